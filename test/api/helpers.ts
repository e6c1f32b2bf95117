// Test helpers for black-box HTTP tests: an app on a fresh task hub with a known key, plus a
// fixture that moves an instance into a state (no worker runs in these tests).

import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { InstanceEvents } from '../../src/services/instance-events.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { StoreProvider, TaskHubWorkerStore } from '../../src/storage/port.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
export { setInstanceState } from '../helpers/instance-state.js';

export const KEY = 'test-key-0123456789abcdef';
export const BASE = '/runtime/webhooks/durabletask';
export const LEGACY = '/admin/extensions/DurableTaskExtension';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  stores: StoreProvider;
  store: TaskHubWorkerStore;
  hub: string;
  /** Everything the app logged, one JSON line per entry. */
  logs: () => string;
  /** Request with the key in the header unless `headers` says otherwise. */
  call(method: string, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: string;
  /** Leave out the default x-functions-key header. */
  noKey?: boolean;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  keys?: string[];
  events?: InstanceEvents;
  orchestratorNames?: () => readonly string[] | undefined;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const hub = freshHubName('api');
  const config = loadConfig({
    AzureWebJobsStorage: azuriteConnectionString(),
    TASKHUB_HUB_NAME: hub,
    ...options.env,
  });
  const stores = createAzureStoreProvider(config);
  const store = stores.get('AzureWebJobsStorage', hub);
  await store.ensure();
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const app = await buildApp({
    config,
    stores,
    keys: options.keys ?? [KEY],
    logger: pino({ level: 'debug' }, sink),
    events: options.events,
    orchestratorNames: options.orchestratorNames,
  });
  await app.ready();
  return {
    app,
    config,
    stores,
    store,
    hub,
    logs: () => logged,
    call(method, url, callOptions = {}) {
      const headers: Record<string, string> = { ...(callOptions.noKey ? {} : { 'x-functions-key': KEY }), ...callOptions.headers };
      return app.inject({ method: method as 'GET', url, headers, payload: callOptions.body });
    },
    async close() {
      await app.close();
      await stores.close();
    },
  };
}

/** Starts an instance through the API and returns its id. */
export async function startInstance(t: TestApp, name = 'Hello', instanceId?: string, body?: string): Promise<string> {
  const path = instanceId ? `${BASE}/orchestrators/${name}/${encodeURIComponent(instanceId)}` : `${BASE}/orchestrators/${name}`;
  const res = await t.call('POST', path, { body, headers: body ? { 'content-type': 'application/json' } : {} });
  if (res.statusCode !== 202) throw new Error(`start failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}
