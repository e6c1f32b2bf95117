// Prints, in one run against its own Azurite:
//   1. HelloSequence orchestrations completed per second with the worker's history cache off and on
//      (TASKHUB_HISTORY_CACHE_MB=0 / default), with 1 worker process, 2 worker processes (cache on)
//      and the in-process worker
//   2. the worker's storage requests per orchestration (HTTP requests to Azurite, counted by a
//      pass-through proxy in front of it; the client's starts and polls are not counted), cache off and on
//   3. latency from the worker's completion checkpoint to the waiting HTTP response (in-process)
// Usage: npm run bench:worker [-- --orchestrations 200 --latency-runs 30]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { InstanceEvents } from '../src/services/instance-events.js';
import { createManagementService } from '../src/services/management-service.js';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../src/storage/azure/index.js';
import type { AzureStoreProvider, AzureTaskHubStore } from '../src/storage/azure/index.js';
import { startWorker } from '../src/worker/index.js';
import { startRequestCounter } from './storage-request-counter.js';

const { values } = parseArgs({
  options: {
    orchestrations: { type: 'string', default: '200' },
    'latency-runs': { type: 'string', default: '30' },
    partitions: { type: 'string', default: '4' },
  },
});
const N = Number(values.orchestrations);
const LATENCY_RUNS = Number(values['latency-runs']);
const PARTITIONS = values.partitions;
const KEY = 'bench-key';
const silent = pino({ level: 'silent' });

/** Counts every store-port call, by method name. */
function countingProvider(
  inner: AzureStoreProvider,
  counts: Map<string, number>,
  onCall?: (method: string, args: unknown[], result: unknown) => void,
): AzureStoreProvider {
  const counting = (connection: string, hub: string): AzureTaskHubStore => {
    const store = inner.adapter(connection, hub);
    return new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          counts.set(String(prop), (counts.get(String(prop)) ?? 0) + 1);
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          onCall?.(String(prop), args, result);
          return result;
        };
      },
    });
  };
  return {
    adapter: counting,
    management: counting,
    workItems: counting,
    hubQueues: (connection, hub) => inner.hubQueues(connection, hub),
    close: () => inner.close(),
  };
}

/** A loaded machine makes Azurite slow, not absent: wait for it rather than fail a start. */
const STORAGE_TRY_TIMEOUT_MS = '30000';

/** `TASKHUB_HISTORY_CACHE_MB`: '0' turns the worker's history cache off, '' keeps the default. */
type CacheSetting = '0' | '';

function configFor(connectionString: string, hub: string, cache: CacheSetting = ''): Config {
  return loadConfig({
    AzureWebJobsStorage: connectionString,
    TASKHUB_HUB_NAME: hub,
    TASKHUB_KEYS: KEY,
    TASKHUB_PARTITION_COUNT: PARTITIONS,
    TASKHUB_NO_AUTH: 'true',
    TASKHUB_HISTORY_CACHE_MB: cache,
    TASKHUB_STORAGE_TRY_TIMEOUT_MS: STORAGE_TRY_TIMEOUT_MS,
  });
}

/** Starts N HelloSequence instances through the management service and waits until all completed. */
async function runBatch(config: Config, stores: AzureStoreProvider): Promise<number> {
  const service = createManagementService({ stores, config });
  const hub = { connection: config.defaultConnection, taskHub: config.hubName };
  const store = stores.management(config.defaultConnection, config.hubName);
  const began = performance.now();
  // 16 starts in flight: on a busy 2-core machine more only time out against Azurite.
  let started = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (started < N) {
        started++;
        await service.start(hub, { name: 'E1_HelloSequence' });
      }
    }),
  );
  for (;;) {
    let completed = 0;
    let token: string | undefined;
    do {
      const page = await store.listInstances(
        { runtimeStatus: ['Completed'], fetchInput: false, fetchOutput: false },
        { pageSize: 1000, continuationToken: token },
      );
      completed += page.items.length;
      token = page.continuationToken;
    } while (token);
    if (completed >= N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return N / ((performance.now() - began) / 1000);
}

function spawnWorkers(count: number, connectionString: string, hub: string, cache: CacheSetting): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--worker-only', '--lease-duration-ms', '5000'], {
      env: {
        ...process.env,
        AzureWebJobsStorage: connectionString,
        TASKHUB_HUB_NAME: hub,
        TASKHUB_PARTITION_COUNT: PARTITIONS,
        TASKHUB_HISTORY_CACHE_MB: cache,
        TASKHUB_STORAGE_TRY_TIMEOUT_MS: STORAGE_TRY_TIMEOUT_MS,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
}

async function outOfProcess(connectionString: string, workers: number, cache: CacheSetting): Promise<number> {
  const hub = `BenchProc${workers}Cache${cache === '0' ? 'Off' : 'On'}`;
  const config = configFor(connectionString, hub);
  const stores = createAzureStoreProvider(config);
  await stores.management(config.defaultConnection, hub).ensure();
  const children = spawnWorkers(workers, connectionString, hub, cache);
  // Process start-up, lease acquisition and (with two workers) partition hand-over.
  await new Promise((r) => setTimeout(r, workers > 1 ? 9000 : 3000));
  try {
    return await runBatch(config, stores);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await stores.close();
  }
}

/** The in-process worker with its storage requests counted (the client's go around the counter). */
async function inProcess(connectionString: string, cache: CacheSetting) {
  const counter = await startRequestCounter(connectionString);
  const hub = `BenchInProcCache${cache === '0' ? 'Off' : 'On'}`;
  const clientConfig = configFor(connectionString, hub);
  const client = createAzureStoreProvider(clientConfig);
  await client.management(clientConfig.defaultConnection, hub).ensure();
  const workerConfig = configFor(counter.connectionString, hub, cache);
  const workerStores = createAzureStoreProvider(workerConfig);
  const worker = await startWorker({ config: workerConfig, stores: workerStores, events: new InstanceEvents(), logger: silent });
  counter.reset();
  const rate = await runBatch(clientConfig, client);
  const counts = counter.counts();
  await worker.stop();
  await Promise.all([workerStores.close(), client.close(), counter.close()]);
  return { rate, counts };
}

function printRequests(label: string, counts: Map<string, number>): void {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const empty = counts.get('queue receive (empty)') ?? 0;
  console.log(`  ${label}: ${(total / N).toFixed(1)} requests (${((total - empty) / N).toFixed(1)} without empty receives)`);
  const byKind = [...counts].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${(n / N).toFixed(2)}`);
  console.log(`    ${byKind.join(', ')}`);
}

async function latency(connectionString: string) {
  const config = configFor(connectionString, 'BenchLatency');
  const checkpointedAt = new Map<string, number>();
  const stores = countingProvider(createAzureStoreProvider(config), new Map(), (method, args) => {
    const status = (args[1] as { status?: { instanceId: string; runtimeStatus: string } } | undefined)?.status;
    if (method === 'completeOrchestrationWorkItem' && status?.runtimeStatus === 'Completed')
      checkpointedAt.set(status.instanceId, performance.now());
  });
  await stores.management(config.defaultConnection, config.hubName).ensure();
  const events = new InstanceEvents();
  const worker = await startWorker({ config, stores, events, logger: silent });
  const app = await buildApp({ config, stores, keys: [], logger: false, events, orchestratorNames: () => worker.orchestratorNames() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/runtime/webhooks/durabletask`;
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const id = `latency-${i}`;
    // pollingInterval 30 s: the answer can only come from the checkpoint notification.
    const res = await fetch(`${base}/orchestrators/E1_HelloSequence/${id}?timeout=60&pollingInterval=30`, { method: 'POST' });
    const answeredAt = performance.now();
    await res.text();
    if (res.status !== 200) throw new Error(`start-and-wait answered ${res.status}`);
    samples.push(answeredAt - checkpointedAt.get(id)!);
  }
  await app.close();
  await worker.stop();
  await stores.close();
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))];
  return { p50: pct(50), p95: pct(95), max: samples[samples.length - 1] };
}

async function main(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const cs = azurite.connectionString;
    console.log(`worker throughput: ${N} E1_HelloSequence orchestrations per run, ${PARTITIONS} partitions, Azurite in memory`);
    console.log(`load average before: ${(await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim()}`);
    const oneOff = await outOfProcess(cs, 1, '0');
    const oneOn = await outOfProcess(cs, 1, '');
    console.log(`  1 worker process, history cache off: ${oneOff.toFixed(1)} orchestrations/s`);
    console.log(`  1 worker process, history cache on : ${oneOn.toFixed(1)} orchestrations/s (${(oneOn / oneOff).toFixed(2)}x)`);
    const two = await outOfProcess(cs, 2, '');
    console.log(`  2 worker processes, cache on       : ${two.toFixed(1)} orchestrations/s`);
    const off = await inProcess(cs, '0');
    const on = await inProcess(cs, '');
    console.log(`  in-process worker (requests counted through a proxy): cache off ${off.rate.toFixed(1)}/s, on ${on.rate.toFixed(1)}/s`);
    console.log(`the worker's storage requests per orchestration (HTTP to Azurite; goal: at most 20):`);
    printRequests('history cache off', off.counts);
    printRequests('history cache on ', on.counts);
    const lat = await latency(cs);
    console.log(`completion checkpoint -> waiting HTTP response (in-process, ${LATENCY_RUNS} runs):`);
    console.log(`  p50 ${lat.p50.toFixed(1)} ms, p95 ${lat.p95.toFixed(1)} ms, max ${lat.max.toFixed(1)} ms`);
    console.log(`load average after: ${(await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim()}`);
  } finally {
    await azurite.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
