// /health while large inputs arrive (issue 14 items 4 and 6): 200 starts with a 1 MB JSON input
// each, all sent at once through the HTTP API of a real server (startServer, in-memory Azurite),
// while a probe asks GET /health every ~15 ms. A payload that blocks the event loop (compression,
// parsing, copying) shows up as /health latency. Run once with the worker off (the request path
// alone) and once with it on (the first episodes write the same inputs to history too).
// Both the starts and the probe run on a thread of their own (bench/starts-client.mjs).
// Standalone: npx tsx bench/scale/health-during-starts.ts [--starts 200] [--size-mb 1] [--no-worker-phase]
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { startAzurite, type RunningAzurite } from '../../src/storage/azure/azurite.js';
import { cpuMeter, percentile, runIfMain, type Figure } from '../scale-support.js';

const KEY = 'bench-key';
const PROBE_PAUSE_IN_MS = 15;
const GOAL_P99_IN_MS = 200;

interface Probe {
  ms: number;
  status: number;
}

interface ClientResult {
  startsInMs: number;
  statuses: number[];
  failures: string[];
  idleProbes: Probe[];
  probes: Probe[];
}

/**
 * About `bytes` of JSON that exercises the lossless path: numbers JSON.parse would round, text that
 * needs escaping, and characters outside ASCII (UTF-8 and UTF-16 lengths differ).
 */
export function largeJsonInput(bytes: number): string {
  const items: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const item =
      `{"id":${12345678901234567890n + BigInt(i)},"price":1.0,"ratio":${(i / 7).toFixed(12)},` +
      `"city":"Zürich ✓ 東京 ${i}","note":"a \\"quoted\\" line\\nand a tab\\t, a backslash \\\\ and \\u00e9",` +
      `"tags":["alpha","beta","gamma"],"ok":${i % 2 === 0},"none":null}`;
    items.push(item);
    size += Buffer.byteLength(item, 'utf8') + 1;
  }
  return `[${items.join(',')}]`;
}

async function phase(azurite: RunningAzurite, hub: string, worker: boolean, starts: number, body: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskhub-bench-'));
  const config = loadConfig({
    AzureWebJobsStorage: azurite.connectionString,
    TASKHUB_HUB_NAME: hub,
    TASKHUB_KEYS: KEY,
    TASKHUB_DATA_DIR: dataDir,
    TASKHUB_WORKER: String(worker),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    TASKHUB_MAX_CONNECTIONS: String(starts + 100),
    TASKHUB_BODY_LIMIT: String(Math.max(10 * 1024 * 1024, body.length * 4)),
  });
  const server = await startServer(config);
  try {
    const client = new Worker(new URL('../starts-client.mjs', import.meta.url), {
      workerData: {
        origin: `${server.url.replace(/\/$/, '')}/runtime/webhooks/durabletask`,
        headers: { 'x-functions-key': KEY },
        name: 'HumanApproval',
        count: starts,
        body,
        pauseInMs: PROBE_PAUSE_IN_MS,
      },
    });
    const cpu = cpuMeter(process.pid);
    // The server runs on this thread: its event-loop delay tells taskhub's own blocking apart from
    // a slow storage answer (/health asks storage).
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const [result] = (await once(client, 'message')) as [ClientResult];
    loop.disable();
    const cpuPercent = cpu();
    await client.terminate();
    return { ...result, cpuPercent, loopP99InMs: loop.percentile(99) / 1e6, loopMaxInMs: loop.max / 1e6 };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

export default async function run(options: { starts?: number; sizeInMb?: number; workerPhase?: boolean } = {}): Promise<Figure[]> {
  const starts = options.starts ?? 200;
  const sizeInMb = options.sizeInMb ?? 1;
  const body = largeJsonInput(sizeInMb * 1024 * 1024);
  const azurite = await startAzurite();
  const figures: Figure[] = [];
  try {
    const phases = options.workerPhase === false ? [false] : [false, true];
    for (const worker of phases) {
      const r = await phase(azurite, worker ? 'StartsWorker' : 'StartsApi', worker, starts, body);
      const latencies = r.probes.map((p) => p.ms);
      const accepted = r.statuses.filter((s) => s === 202).length;
      const p99 = percentile(latencies, 99);
      const label = `${starts} starts of ${sizeInMb} MB, worker ${worker ? 'on' : 'off'}`;
      if (r.failures.length > 0) console.log(`${label}: failed starts, e.g. ${r.failures.join(' | ')}`);
      figures.push(
        {
          figure: `/health p50 / p99 / max during ${label}`,
          value: `${ms(percentile(latencies, 50))} / ${ms(p99)} / ${ms(Math.max(...latencies))} (${latencies.length} probes; idle p50 ${ms(
            percentile(
              r.idleProbes.map((p) => p.ms),
              50,
            ),
          )}; server event-loop delay p99 ${ms(r.loopP99InMs)}, max ${ms(r.loopMaxInMs)})`,
          baseline: 'max 5.1 s',
          goal: `p99 < ${GOAL_P99_IN_MS} ms`,
          met: p99 < GOAL_P99_IN_MS && r.probes.every((p) => p.status === 200),
        },
        {
          figure: `${label}: all answered, total time`,
          value: `${accepted}/${starts} accepted in ${(r.startsInMs / 1000).toFixed(1)} s (server process CPU ${r.cpuPercent.toFixed(0)}% of a core)`,
          baseline: '-',
          goal: `${starts}/${starts} accepted`,
          met: accepted === starts,
        },
      );
    }
    return figures;
  } finally {
    await azurite.stop();
  }
}

await runIfMain(import.meta.url, () => {
  const { values } = parseArgs({
    options: { starts: { type: 'string' }, 'size-mb': { type: 'string' }, 'no-worker-phase': { type: 'boolean' } },
  });
  return run({
    starts: values.starts ? Number(values.starts) : undefined,
    sizeInMb: values['size-mb'] ? Number(values['size-mb']) : undefined,
    workerPhase: values['no-worker-phase'] ? false : undefined,
  });
});
