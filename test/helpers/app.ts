// The one way a test builds what it runs against: a fresh task hub on the suite's Azurite, its store,
// optionally an in-process worker, and the HTTP app (injected, or listening when a real client needs a
// URL); close() undoes all of it in order. Suites wrap it with their own defaults.

import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import supertest from 'supertest';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { startWorker, type Registry, type RunningWorker, type WorkerTuning } from '../../src/worker/index.js';
import { freshHubName } from './hub.js';
import { testStores, type TestStore, type TestStores } from './stores.js';

export const KEY = 'test-key-0123456789abcdef';
export const BASE = '/runtime/webhooks/durabletask';

/** Short leases and visibility so takeovers and redeliveries happen within a test's patience. */
export const TEST_TUNING: Partial<WorkerTuning> = { leaseDurationInMs: 3000, controlVisibilityInMs: 5000 };

export interface TestAppOptions {
  /** Prefix of the fresh hub name. */
  hubPrefix?: string;
  /** Extra settings for loadConfig (the hub, connection and keys are set already; AzureWebJobsStorage may be replaced). */
  env?: Record<string, string>;
  keys?: string[];
  /** Run a worker on the hub (samples unless a registry is given). */
  worker?: boolean | { registry?: Registry; tuning?: Partial<WorkerTuning> };
  events?: InstanceEvents;
  orchestratorNames?: () => readonly string[] | undefined;
  entityNames?: () => readonly string[] | undefined;
  /** Listen on a loopback port (for clients that need a URL). */
  listen?: boolean;
  /** Keep the app's debug log for logs(). */
  captureLogs?: boolean;
}

export interface TestApp {
  hub: string;
  config: Config;
  app: FastifyInstance;
  stores: TestStores['stores'];
  store: TestStore;
  events: InstanceEvents;
  worker?: RunningWorker;
  /** `http://127.0.0.1:<port>` when listening, else ''. */
  url: string;
  /** Everything the app logged (with captureLogs), one JSON line per entry. */
  logs(): string;
  /** Injected request with the key in the header unless `noKey`. */
  call(method: string, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
  http(): ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: string;
  /** Leave out the default x-functions-key header. */
  noKey?: boolean;
}

/** What the app logged, each line parsed (the app must have been started with captureLogs). */
export function logLines<T>(t: Pick<TestApp, 'logs'>): T[] {
  return t
    .logs()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const hub = freshHubName(options.hubPrefix ?? 't');
  const keys = options.keys ?? [KEY];
  const { config, stores } = testStores({ TASKHUB_HUB_NAME: hub, TASKHUB_KEYS: keys.join(','), ...options.env });
  const store = stores.adapter(config.defaultConnection, config.hubName);
  await store.ensure();
  const events = options.events ?? new InstanceEvents();
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const workerOptions = options.worker === true ? {} : options.worker === false ? undefined : options.worker;
  const worker = workerOptions
    ? await startWorker({
        config,
        stores,
        events,
        logger: pino({ level: 'silent' }),
        registry: workerOptions.registry,
        tuning: { ...TEST_TUNING, ...workerOptions.tuning },
      })
    : undefined;
  const app = await buildApp({
    config,
    stores,
    keys,
    logger: options.captureLogs ? pino({ level: 'debug' }, sink) : false,
    events,
    orchestratorNames: options.orchestratorNames ?? (worker ? () => worker.orchestratorNames() : undefined),
    entityNames: options.entityNames ?? (worker ? () => worker.entityNames() : undefined),
  });
  let url = '';
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  return {
    hub,
    config,
    app,
    stores,
    store,
    events,
    worker,
    url,
    logs: () => logged,
    call(method, path, callOptions = {}) {
      const headers: Record<string, string> = { ...(callOptions.noKey ? {} : { 'x-functions-key': keys[0] }), ...callOptions.headers };
      return app.inject({ method: method as 'GET', url: path, headers, payload: callOptions.body });
    },
    http: () => supertest(app.server),
    async close() {
      await worker?.stop();
      await app.close();
      await stores.close();
    },
  };
}

/** Polls the status endpoint until `done(status)` holds (short interval, bounded). */
export async function pollStatus(
  t: TestApp,
  instanceId: string,
  done: (status: Record<string, unknown>) => boolean,
  query = '',
  timeoutInMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const res = await t.call('GET', `${BASE}/instances/${encodeURIComponent(instanceId)}${query ? `?${query.replace(/^&/, '')}` : ''}`);
    const body = res.json<Record<string, unknown>>();
    if (res.statusCode < 300 && done(body)) return body;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${instanceId}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
