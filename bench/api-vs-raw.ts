// Prints the cost of the HTTP layer over raw storage calls, in one run against one Azurite:
//   1. GET /instances/{id} req/s through the server vs TableClient.getEntity calls/s on the same rows,
//      each from a client thread of its own (as a real client is a process of its own)
//   2. listing 10,000 instances through x-ms-continuation-token paging vs a raw table scan
// Usage: npm run bench:api [-- --seconds 5 --concurrency 1,16 --instances 10000]
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { escapeKey } from '../src/storage/azure/keys.js';
import { createAzureStoreProvider } from '../src/storage/azure/index.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,16' },
    instances: { type: 'string', default: '10000' },
  },
});
const seconds = Number(values.seconds);
/** Requests in flight per client; each level is measured for both paths. */
const concurrencyLevels = values.concurrency.split(',').map(Number);
const instanceCount = Number(values.instances);
const KEY = 'bench-key';
const HUB = 'BenchHub';

/** Point reads from a client thread; returns successful reads per second. */
async function clientLoad(job: Record<string, unknown>, concurrency: number): Promise<number> {
  const worker = new Worker(new URL('./client-load.mjs', import.meta.url), { workerData: { ...job, seconds, concurrency } });
  const [result] = (await once(worker, 'message')) as [{ done: number; failed: number }];
  if (result.failed > 0) throw new Error(`${result.failed} reads failed`);
  return result.done / seconds;
}

function median(runs: { ms: number; rows: number }[]): { ms: number; rows: number } {
  return [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)];
}

async function timed(op: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const rows = await op();
  return { ms: performance.now() - started, rows };
}

const azurite = await startAzurite();
try {
  const config = loadConfig({
    AzureWebJobsStorage: azurite.connectionString,
    TASKHUB_HUB_NAME: HUB,
    TASKHUB_KEYS: KEY,
    TASKHUB_WORKER: 'false',
  });
  const stores = createAzureStoreProvider(config);
  const store = stores.adapter('AzureWebJobsStorage', HUB);
  await store.ensure();

  process.stdout.write(`seeding ${instanceCount} instances... `);
  const ids = Array.from({ length: instanceCount }, (_, i) => `bench-${String(i).padStart(6, '0')}`);
  const now = new Date();
  for (let i = 0; i < ids.length; i += 64) {
    await Promise.all(
      ids.slice(i, i + 64).map((instanceId) =>
        store.instances.update({
          instanceId,
          executionId: 'e',
          name: 'E1_HelloSequence',
          version: '',
          runtimeStatus: 'Completed',
          input: '{"city":"Tokyo"}',
          output: '["Hello Tokyo!"]',
          customStatus: null,
          createdTime: now,
          lastUpdatedTime: now,
          generation: 0,
        }),
      ),
    );
  }
  console.log('done');

  const app = await buildApp({ config, stores, keys: [KEY], logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/runtime/webhooks/durabletask`;
  const headers = { 'x-functions-key': KEY };
  const table = TableClient.fromConnectionString(azurite.connectionString, `${HUB}Instances`, { allowInsecureConnection: true });
  const hot = ids.slice(0, 1000);

  const urls = hot.map((id) => `${origin}/instances/${id}`);
  for (const concurrency of concurrencyLevels) {
    const server = await clientLoad({ kind: 'http', urls, headers }, concurrency);
    const raw = await clientLoad(
      { kind: 'table', connectionString: azurite.connectionString, table: `${HUB}Instances`, keys: hot.map(escapeKey) },
      concurrency,
    );
    console.log(
      `GET status, ${concurrency} in flight: server ${server.toFixed(0)} req/s, raw getEntity ${raw.toFixed(0)} calls/s, ratio ${(server / raw).toFixed(2)} (goal >= 0.85)`,
    );
  }

  const listThroughServer = async () => {
    let rows = 0;
    let token = '';
    do {
      const response = await fetch(`${origin}/instances?top=1000`, { headers: { ...headers, 'x-ms-continuation-token': token } });
      rows += ((await response.json()) as unknown[]).length;
      token = response.headers.get('x-ms-continuation-token') ?? '';
    } while (token);
    return rows;
  };
  const scanTable = async () => {
    let rows = 0;
    for await (const page of table.listEntities({ queryOptions: { filter: "RowKey eq ''" } }).byPage({ maxPageSize: 1000 }))
      rows += page.length;
    return rows;
  };
  // One warm-up each, then alternate rounds and keep the median of each.
  await listThroughServer();
  await scanTable();
  const serverRuns: { ms: number; rows: number }[] = [];
  const rawRuns: { ms: number; rows: number }[] = [];
  for (let round = 0; round < 5; round++) {
    serverRuns.push(await timed(listThroughServer));
    rawRuns.push(await timed(scanTable));
  }
  const listed = median(serverRuns);
  const scanned = median(rawRuns);
  console.log(
    `list ${listed.rows} instances (median of 5): server paging ${listed.ms.toFixed(0)} ms, raw scan ${scanned.ms.toFixed(0)} ms (${scanned.rows} rows), ratio ${(scanned.ms / listed.ms).toFixed(2)} (goal >= 0.9)`,
  );
  await app.close();
} finally {
  await azurite.stop();
}
