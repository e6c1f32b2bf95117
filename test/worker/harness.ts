// Builds the HTTP app plus an in-process worker on a fresh task hub of the suite's Azurite.
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import supertest from 'supertest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { StoreProvider, TaskHubWorkerStore } from '../../src/storage/port.js';
import { Registry, startWorker, type RunningWorker } from '../../src/worker/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';

export const KEY = 'worker-test-key-0123456789';
export const BASE = '/runtime/webhooks/durabletask';

export interface Harness {
  hub: string;
  config: Config;
  app: FastifyInstance;
  stores: StoreProvider;
  store: TaskHubWorkerStore;
  events: InstanceEvents;
  worker?: RunningWorker;
  http: () => ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export async function startHarness(options: { worker?: boolean; partitionCount?: number; registry?: Registry } = {}): Promise<Harness> {
  const hub = freshHubName('w');
  const config = loadConfig({
    AzureWebJobsStorage: azuriteConnectionString(),
    TASKHUB_HUB_NAME: hub,
    TASKHUB_KEYS: KEY,
    TASKHUB_PARTITION_COUNT: String(options.partitionCount ?? 2),
  });
  const stores = createAzureStoreProvider(config);
  const store = stores.get(config.defaultConnection, hub);
  await store.ensure();
  const events = new InstanceEvents();
  const logger = pino({ level: 'silent' });
  const worker =
    options.worker === false
      ? undefined
      : await startWorker({ config, stores, events, logger, registry: options.registry, tuning: { leaseDurationInMs: 3000, controlVisibilityInMs: 5000 } });
  const app = await buildApp({ config, stores, keys: [KEY], logger: false, events, orchestratorNames: worker?.orchestratorNames });
  await app.ready();
  return {
    hub,
    config,
    app,
    stores,
    store,
    events,
    worker,
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
  h: Harness,
  instanceId: string,
  done: (status: Record<string, unknown>) => boolean,
  query = '',
  timeoutInMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const res = await h.http().get(`${BASE}/instances/${encodeURIComponent(instanceId)}?code=${KEY}${query}`);
    const body = res.body as Record<string, unknown>;
    if (res.status < 300 && done(body)) return body;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${instanceId}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
