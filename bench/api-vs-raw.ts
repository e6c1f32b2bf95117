// Prints the cost of the HTTP layer over raw storage calls, in one run against one Azurite:
//   1. GET /instances/{id} through the taskhub server vs TableClient.getEntity on the same rows:
//      reads per second, CPU per read and storage requests per read. The server is the real
//      composition root (production logger, metrics), compiled (dist/, built first) and in a process
//      of its own; each client is a process of its own, so every party's CPU is its own. The
//      comparable pair: the server's CPU per GET (HTTP server + the point read it makes) against the
//      raw client's CPU per getEntity (the SDK call alone). The server reads the row with its own
//      leaner point read (src/storage/azure/point-read.ts), so the difference is the HTTP API's cost
//      less what that read saves over getEntity.
//      Both sides read for `--warmup` seconds before anything is measured (JIT, connections), then
//      `--rounds` pairs of `--seconds` windows alternate server/raw (ABBA order), so drift on a shared
//      machine falls on both sides; the ratio printed is the median of the rounds' ratios.
//   2. listing 10,000 instances through x-ms-continuation-token paging vs a raw table scan
// Both the server and the raw client reach Azurite through a counting proxy, so storage requests
// are counted for each; the proxy adds the same hop to both paths.
// The server and the raw client each have a core to themselves (bench/cpu-pinning.ts; --no-pin to share).
// Usage: npm run bench:api [-- --seconds 3 --rounds 5 --warmup 3 --concurrency 1,16 --instances 10000
//                             --log-level info --profile <dir> --no-pin]
// --profile writes a V8 CPU profile of the server process over each concurrency level's rounds (open
// it in Chrome DevTools or VS Code); the profiler's own cost is then in that run's CPU figures.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { loadConfig } from '../src/config.js';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { escapeKey } from '../src/storage/azure/keys.js';
import { createAzureStoreProvider } from '../src/storage/azure/index.js';
import { cpuLayout } from './cpu-pinning.js';
import { measureRounds, type CpuTotals, type LoadClient, type Window } from './interleaved-rounds.js';
import { startRequestCounter } from './storage-request-counter.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,16' },
    instances: { type: 'string', default: '10000' },
    'log-level': { type: 'string', default: 'info' },
    profile: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const warmupSeconds = Number(values.warmup);
/** Requests in flight per client; each level is measured for both paths. */
const concurrencyLevels = values.concurrency.split(',').map(Number);
const instanceCount = Number(values.instances);
const KEY = 'bench-key';
const HUB = 'BenchHub';

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Sends a message and resolves with the next message the child sends back. */
async function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  const answer = once(child, 'message');
  child.send(message as string);
  return ((await answer) as [T])[0];
}

const cores = cpuLayout(!values['no-pin']);

/** A client process reading with `concurrency` in flight, warmed up and ready for windows. */
async function startClient(
  job: Record<string, unknown>,
  concurrency: number,
  pin: (pid: number) => void,
): Promise<LoadClient & { stop(): void }> {
  const child = fork(fileURLToPath(new URL('./client-load.mjs', import.meta.url)), { execArgv: [] });
  if (child.pid) pin(child.pid);
  await ask(child, { ...job, concurrency, warmupSeconds });
  return {
    read: async (windowSeconds) => {
      const result = await ask<Window>(child, { window: windowSeconds });
      if (result.failed > 0) throw new Error(`${result.failed} reads failed`);
      return result;
    },
    stop: () => child.kill(),
  };
}

const perRead = (counts: Map<string, number>) => {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const kinds = [...counts].map(([kind, n]) => `${kind} ${n.toFixed(2)}`).join(', ');
  return `${total.toFixed(2)} (${kinds || 'none'})`;
};

function median(runs: { ms: number; rows: number }[]): { ms: number; rows: number } {
  return [...runs].sort((x, y) => x.ms - y.ms)[Math.floor(runs.length / 2)];
}

async function timed(op: () => Promise<number>): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  const rows = await op();
  return { ms: performance.now() - started, rows };
}

/** The compiled server in a process of its own, as `npm start` runs it (minus the worker). */
async function startServerProcess(connectionString: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(new URL('./api-server-process.mjs', import.meta.url)), {
    execArgv: [],
    env: {
      ...process.env,
      AzureWebJobsStorage: connectionString,
      TASKHUB_HUB_NAME: HUB,
      TASKHUB_KEYS: KEY,
      TASKHUB_WORKER: 'false',
      TASKHUB_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: values['log-level'],
    },
    // Log lines go nowhere, as cheaply as a container's stdout would take them.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [first] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as [{ url: string } | number];
  if (typeof first !== 'object') throw new Error(`the server process exited (${first})`);
  return { child, url: first.url };
}

console.log(`load average at start: ${load()}`);
process.stdout.write('building dist (the server runs compiled)... ');
execFileSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
console.log('done');
const azurite = await startAzurite();
console.log(cores.describe());
cores.others(azurite.pid);
cores.others(process.pid);
const counter = await startRequestCounter(azurite.connectionString);
if (values.profile) await mkdir(values.profile, { recursive: true });
const dataDir = await mkdtemp(join(tmpdir(), 'taskhub-bench-api-'));
let server: ChildProcess | undefined;
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

  const started = await startServerProcess(counter.connectionString, dataDir);
  server = started.child;
  if (server.pid) cores.measured(server.pid);
  const serverProcess = started.child;
  const serverCpu = () => ask<CpuTotals>(serverProcess, 'cpu');
  const origin = `${started.url}/runtime/webhooks/durabletask`;
  const headers = { 'x-functions-key': KEY };
  const table = TableClient.fromConnectionString(counter.connectionString, `${HUB}Instances`, { allowInsecureConnection: true });
  const hot = ids.slice(0, 1000);

  const urls = hot.map((id) => `${origin}/instances/${id}`);
  const rawJob = { kind: 'table', connectionString: counter.connectionString, table: `${HUB}Instances`, keys: hot.map(escapeKey) };
  for (const concurrency of concurrencyLevels) {
    // One after the other, so neither warm-up competes with the other for the cores.
    const viaServer = await startClient({ kind: 'http', urls, headers }, concurrency, cores.others);
    const raw = await startClient(rawJob, concurrency, cores.measured);
    try {
      if (values.profile) await ask(serverProcess, 'profile-start');
      const result = await measureRounds(viaServer, raw, { rounds, seconds, counter, serverCpu });
      if (values.profile) await ask(serverProcess, { profileTo: join(values.profile, `get-status-${concurrency}.cpuprofile`) });
      const { server: s, raw: r, ratio } = result;
      console.log(
        `GET status, ${concurrency} in flight (medians of ${rounds} rounds of ${seconds} s per side, after ${warmupSeconds} s warm-up): server ${s.readsPerSecond.toFixed(0)} req/s, raw getEntity ${r.readsPerSecond.toFixed(0)} calls/s, ratio ${(s.readsPerSecond / r.readsPerSecond).toFixed(2)}`,
      );
      console.log(
        `  CPU per read: server process ${s.cpuPerRead.toFixed(0)} us/request (system ${s.systemPerRead.toFixed(0)}), raw client ${r.cpuPerRead.toFixed(0)} us/getEntity (system ${r.systemPerRead.toFixed(0)}), ratio ${ratio.median.toFixed(2)} (rounds ${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)}; goal <= 1.10); HTTP load client ${s.clientCpuPerRead.toFixed(0)} us/request; idle server ${result.serverIdlePercent.toFixed(1)}% of a core`,
      );
      console.log(
        `  storage requests per read: server ${perRead(result.serverStorage)}, raw ${perRead(result.rawStorage)} (goal: one point read)`,
      );
    } finally {
      viaServer.stop();
      raw.stop();
    }
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
} finally {
  if (values.profile) console.log(`server CPU profiles in ${values.profile}`);
  if (server?.connected) {
    const exited = once(server, 'exit');
    server.send('stop');
    await exited;
  }
  await counter.close();
  await azurite.stop();
  await rm(dataDir, { recursive: true, force: true });
  console.log(`load average at end: ${load()}`);
}
