// Prints entity operations per second applied by the in-process worker, against its own Azurite:
//   1. N signals queued for ONE entity (a counter), from the worker's start to the state showing N
//   2. N signals spread over 100 entities, until every one shows its share
// next to the Azure Storage provider's published target of 64 operations per second per entity.
// Usage: npm run bench:entities [-- --signals 1000 --partitions 4]
import { parseArgs } from 'node:util';
import type { EntityContext } from 'durable-functions';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { InstanceEvents } from '../src/services/instance-events.js';
import { listEntities, signalEntity } from '../src/services/entities.js';
import { stringifyJson } from '../src/services/json-text.js';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../src/storage/azure/index.js';
import type { ManagementStore } from '../src/storage/port.js';
import { Registry, startWorker } from '../src/worker/index.js';

const { values } = parseArgs({ options: { signals: { type: 'string', default: '1000' }, partitions: { type: 'string', default: '4' } } });
const N = Number(values.signals);
const PROVIDER_TARGET_PER_ENTITY = 64;

const registry = new Registry().entity('Counter', (context: EntityContext<unknown>) => {
  context.df.setState(Number(context.df.getState(() => 0) ?? 0) + Number(context.df.getInput() ?? 1));
});

async function sendAll(store: ManagementStore, keys: string[]): Promise<void> {
  // 32 senders in flight, like a busy client.
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < N) {
        const i = next++;
        await signalEntity(store, { name: 'counter', key: keys[i % keys.length] }, { operation: 'add', input: 1 });
      }
    }),
  );
}

/** One list query per check (states included), until every entity shows its share. */
async function waitFor(store: ManagementStore, keys: string[]): Promise<void> {
  const share = N / keys.length;
  for (;;) {
    let done = 0;
    let token: string | undefined;
    do {
      const page = await listEntities(store, { name: 'counter', fetchState: true }, { top: 1000, continuationToken: token });
      done += page.entities.filter((e) => Number(stringifyJson(e.state)) >= share).length;
      token = page.continuationToken;
    } while (token);
    if (done >= keys.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Queues N signals with the worker stopped, then times the worker applying them all. */
async function run(connectionString: string, entities: number): Promise<{ applied: number; sent: number }> {
  const hub = `bench${entities}e${Date.now().toString(36)}`;
  const config = loadConfig({
    AzureWebJobsStorage: connectionString,
    TASKHUB_HUB_NAME: hub,
    TASKHUB_PARTITION_COUNT: values.partitions,
    TASKHUB_NO_AUTH: 'true',
  });
  const stores = createAzureStoreProvider(config);
  const store = stores.management(config.defaultConnection, hub);
  await store.ensure();
  const keys = Array.from({ length: entities }, (_, i) => `k${i}`);
  const sendStarted = performance.now();
  await sendAll(store, keys);
  const sent = N / ((performance.now() - sendStarted) / 1000);
  const began = performance.now();
  const worker = await startWorker({ config, stores, events: new InstanceEvents(), logger: pino({ level: 'silent' }), registry });
  try {
    await waitFor(store, keys);
    return { applied: N / ((performance.now() - began) / 1000), sent };
  } finally {
    await worker.stop();
    await stores.close();
  }
}

const azurite = await startAzurite();
try {
  console.log(`entity throughput: ${N} signals per run, ${values.partitions} partitions, one in-process worker, Azurite in memory`);
  const one = await run(azurite.connectionString, 1);
  console.log(
    `  1 entity    : ${one.applied.toFixed(1)} operations/s applied on one entity (provider's published target: ${PROVIDER_TARGET_PER_ENTITY}/s per entity)`,
  );
  const hundred = await run(azurite.connectionString, 100);
  console.log(
    `  100 entities: ${hundred.applied.toFixed(1)} operations/s applied in total, ${(hundred.applied / 100).toFixed(1)}/s per entity`,
  );
  console.log(`  (queued beforehand by 32 concurrent senders at ${one.sent.toFixed(0)} and ${hundred.sent.toFixed(0)} signals/s)`);
} finally {
  await azurite.stop();
}
