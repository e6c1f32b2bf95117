// Long-poll waiters on one API process (issue 14 item 6, issue 12 item 7):
//   1. 1,000 waiters whose instances complete with an in-process notification (as the worker in the
//      same process sends after each checkpoint): memory per waiter, write -> response delay;
//   2. 2,000 waiters whose instances another process completes (no notification: found by the
//      group poll): all answered, the storage process's CPU while they wait, write -> response delay.
// The waiters are HTTP clients on a thread of their own, one connection each.
// Standalone: npx tsx bench/scale/waiters.ts [--notified 1000] [--polled 2000]
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { startAzurite, type RunningAzurite } from '../../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import { cpuMeter, nowMs, percentile, runIfMain, sleep, type Figure } from '../scale-support.js';

const KEY = 'bench-key';
const RETRY_INTERVAL_IN_S = 1;
const CPU_WINDOW_IN_MS = 10_000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Answer {
  url: string;
  status: number;
  body: string;
  at: number;
}

interface PhaseResult {
  answered: number;
  storageCpuPercent: number;
  apiCpuPercent: number;
  heapPerWaiterInKb: number;
  rssPerWaiterInKb: number;
  delays: number[];
}

async function phase(azurite: RunningAzurite, hub: string, waiters: number, notify: boolean): Promise<PhaseResult> {
  const config = loadConfig({
    AzureWebJobsStorage: azurite.connectionString,
    TASKHUB_HUB_NAME: hub,
    TASKHUB_KEYS: KEY,
    TASKHUB_WORKER: 'false',
    TASKHUB_MAX_CONNECTIONS: String(waiters + 1000),
  });
  const stores = createAzureStoreProvider(config);
  const store = stores.adapter('AzureWebJobsStorage', hub);
  await store.ensure();
  const ids = Array.from({ length: waiters }, (_, i) => `w-${String(i).padStart(5, '0')}`);
  const row = (instanceId: string, runtimeStatus: 'Running' | 'Completed') => ({
    instanceId,
    executionId: 'e',
    name: 'HumanApproval',
    version: '',
    runtimeStatus,
    output: runtimeStatus === 'Completed' ? JSON.stringify(instanceId) : undefined,
    createdTime: runtimeStatus === 'Running' ? new Date() : undefined,
    lastUpdatedTime: new Date(),
  });
  for (let i = 0; i < ids.length; i += 64) await Promise.all(ids.slice(i, i + 64).map((id) => store.instances.update(row(id, 'Running'))));

  const events = new InstanceEvents();
  const app = await buildApp({ config, stores, keys: [KEY], logger: false, events });
  let arrivals = 0;
  app.server.on('request', () => arrivals++);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/runtime/webhooks/durabletask`;
  try {
    gc();
    const before = process.memoryUsage();
    const urls = ids.map((id) => `${origin}/instances/${id}/wait?timeout=120&retryInterval=${RETRY_INTERVAL_IN_S}`);
    const client = new Worker(new URL('../waiters-client.mjs', import.meta.url), {
      workerData: { urls, headers: { 'x-functions-key': KEY } },
    });
    const answered = once(client, 'message') as Promise<[Answer[]]>;
    for (let waited = 0; arrivals < waiters; waited += 50) {
      if (waited > 60_000) throw new Error(`only ${arrivals} of ${waiters} waiters arrived`);
      await sleep(50);
    }
    await sleep(4000); // every waiter has made its first read and is held
    gc();
    const held = process.memoryUsage();
    const storageCpu = cpuMeter(azurite.pid);
    const apiCpu = cpuMeter(process.pid);
    await sleep(CPU_WINDOW_IN_MS);
    const storageCpuPercent = storageCpu();
    const apiCpuPercent = apiCpu();

    const writtenAt = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 32) {
      await Promise.all(
        ids.slice(i, i + 32).map(async (id) => {
          await store.instances.update(row(id, 'Completed'));
          writtenAt.set(id, nowMs());
          if (notify) events.notify({ taskHub: hub, instanceId: id, runtimeStatus: 'Completed' });
        }),
      );
    }
    const [answers] = await answered;
    await client.terminate();
    const delays: number[] = [];
    let ok = 0;
    for (const answer of answers) {
      const id = /instances\/([^/]+)\/wait/.exec(answer.url)?.[1] ?? '';
      if (answer.status === 200 && answer.body === JSON.stringify(id)) {
        ok++;
        delays.push(answer.at - (writtenAt.get(id) ?? NaN));
      }
    }
    return {
      answered: ok,
      storageCpuPercent,
      apiCpuPercent,
      heapPerWaiterInKb: (held.heapUsed - before.heapUsed) / waiters / 1024,
      rssPerWaiterInKb: (held.rss - before.rss) / waiters / 1024,
      delays,
    };
  } finally {
    await app.close();
    await stores.close();
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

export default async function run(options: { notified?: number; polled?: number } = {}): Promise<Figure[]> {
  const notified = options.notified ?? 1000;
  const polled = options.polled ?? 2000;
  const azurite = await startAzurite();
  try {
    const a = await phase(azurite, 'WaitersNotified', notified, true);
    const b = await phase(azurite, 'WaitersPolled', polled, false);
    return [
      {
        figure: `waiters: ${polled} on instances another process completes, answered`,
        value: `${b.answered}/${polled}`,
        baseline: '<500/2000 (1,500+ timed out)',
        goal: `${polled}/${polled}`,
        met: b.answered === polled,
      },
      {
        figure: `waiters: storage (Azurite) CPU while ${polled} wait`,
        value: `${b.storageCpuPercent.toFixed(1)}% of a core (API ${b.apiCpuPercent.toFixed(1)}%)`,
        baseline: 'saturated',
        goal: '< 50%',
        met: b.storageCpuPercent < 50,
      },
      {
        figure: `waiters: ${polled} polled, completion write -> response p50 / p99`,
        value: `${ms(percentile(b.delays, 50))} / ${ms(percentile(b.delays, 99))}`,
        baseline: '-',
        goal: `p99 < ${RETRY_INTERVAL_IN_S * 1000 + 500} ms (retryInterval ${RETRY_INTERVAL_IN_S} s)`,
        met: percentile(b.delays, 99) < RETRY_INTERVAL_IN_S * 1000 + 500,
      },
      {
        figure: `waiters: ${notified} notified in-process, completion write -> response p50 / p99`,
        value: `${ms(percentile(a.delays, 50))} / ${ms(percentile(a.delays, 99))} (${a.answered}/${notified} answered)`,
        baseline: 'p50 201 ms',
        goal: 'p50 < 50 ms, all answered',
        met: percentile(a.delays, 50) < 50 && a.answered === notified,
      },
      {
        figure: `waiters: memory per waiter (${notified} held)`,
        value: `${a.heapPerWaiterInKb.toFixed(1)} KB heap, ${a.rssPerWaiterInKb.toFixed(1)} KB RSS`,
        baseline: '-',
        goal: '< 64 KB heap',
        met: a.heapPerWaiterInKb < 64,
      },
    ];
  } finally {
    await azurite.stop();
  }
}

await runIfMain(import.meta.url, () => {
  const { values } = parseArgs({ options: { notified: { type: 'string' }, polled: { type: 'string' } } });
  return run({
    notified: values.notified ? Number(values.notified) : undefined,
    polled: values.polled ? Number(values.polled) : undefined,
  });
});
