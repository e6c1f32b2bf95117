// Issue 11's batch goal, end to end with the worker: N (default 1,000) HumanApproval instances
// running, one filter batch terminates them all (plan -> confirm -> progress polled while it runs),
// then the same confirmed request again must report every instance skipped.
// Usage: npx tsx bench/batch-terminate.ts [count=1000]   (a fresh in-memory Azurite; no real data)

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { InstanceEvents } from '../src/services/instance-events.js';
import { createAzureStoreProvider, startAzurite } from '../src/storage/azure/index.js';
import { startWorker } from '../src/worker/index.js';

const COUNT = Number(process.argv[2] ?? 1000);
const CONCURRENCY = 16;
const silent = pino({ level: 'silent' });

const azurite = await startAzurite();
const hub = 'BenchBatch';
const config = loadConfig({ AzureWebJobsStorage: azurite.connectionString, TASKHUB_HUB_NAME: hub, TASKHUB_NO_AUTH: 'true' });
const stores = createAzureStoreProvider(config);
await stores.management(config.defaultConnection, hub).ensure();
const events = new InstanceEvents();
const worker = await startWorker({ config, stores, events, logger: silent });
const app = await buildApp({ config, stores, keys: [], logger: silent, events, orchestratorNames: () => worker.orchestratorNames() });
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/runtime/webhooks/durabletask`;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: () => Promise<unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: () => res.json() as Promise<unknown> };
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Instances in a status; a refused count (503 on a busy machine) is asked again. */
async function counts(status: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await call('GET', `/instances/counts?name=HumanApproval&runtimeStatus=${status}`);
    if (res.status === 200) return ((await res.json()) as { total: number }).total;
    if (attempt >= 10) throw new Error(`counts: ${res.status}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function until(what: string, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > 600_000) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - start) / 1000;
}

console.log(`load average before: ${loadavg()}`);
let next = 0;
const startAt = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < COUNT; i = next++) {
      // 503 means storage was too slow to answer (a busy machine): retry, as a client honouring Retry-After would.
      let res = await call('POST', `/orchestrators/HumanApproval/approval-${i}`, { timeoutSeconds: 3600 });
      for (let attempt = 0; res.status === 503 && attempt < 20; attempt++) {
        await new Promise((r) => setTimeout(r, 1000 + attempt * 500));
        res = await call('POST', `/orchestrators/HumanApproval/approval-${i}`, { timeoutSeconds: 3600 });
      }
      // 409 after a retry: the timed-out attempt had started it after all.
      if (res.status !== 202 && res.status !== 409) throw new Error(`start ${i}: ${res.status}`);
    }
  }),
);
const runningAfter = await until(`${COUNT} running`, async () => (await counts('Running')) === COUNT);
console.log(
  `${COUNT} HumanApproval instances running after ${((performance.now() - startAt) / 1000).toFixed(1)} s ` +
    `(last ${runningAfter.toFixed(1)} s waiting for the worker); load average ${loadavg()}`,
);

const request = { operation: 'terminate', filter: { name: 'HumanApproval', runtimeStatus: ['Running'] }, reason: 'bench' };

async function runBatch(label: string, confirm: string): Promise<void> {
  const t0 = performance.now();
  const started = (await (await call('POST', '/instances/batch', { ...request, confirm })).json()) as { id: string };
  let seen = 0;
  let polls = 0;
  let midRun = 0;
  const samples: string[] = [];
  for (;;) {
    const res = await call('GET', `/batches/${started.id}?from=${seen}`);
    if (res.status !== 200) throw new Error(`progress: ${res.status}`);
    const p = (await res.json()) as { state: string; total: number; done: number; skipped: number; failed: number; outcomes: unknown[] };
    seen += p.outcomes.length;
    polls++;
    const at = ((performance.now() - t0) / 1000).toFixed(1);
    if (p.state === 'Running' && seen > 0 && seen < p.total) midRun++;
    if (polls % 8 === 1 || p.state !== 'Running') samples.push(`${at}s:${seen}/${p.total}`);
    if (p.state !== 'Running') {
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `${label}: ${p.state} in ${seconds.toFixed(1)} s (${(p.total / seconds).toFixed(0)}/s) with ${seen} outcomes: ` +
          `${p.done} done, ${p.skipped} skipped, ${p.failed} failed; load average ${loadavg()}`,
      );
      console.log(`  progress polled every 250 ms: ${polls} polls, ${midRun} of them mid-run; samples ${samples.join(' ')}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const plan = (await (await call('POST', '/instances/batch', request)).json()) as { matched: number; confirm: string };
console.log(`plan: ${plan.matched} instances match`);
await runBatch('batch terminate', plan.confirm);
const terminatedAfter = await until('all terminated', async () => (await counts('Terminated')) === COUNT);
console.log(`worker finished terminating ${COUNT} instances ${terminatedAfter.toFixed(1)} s after the batch`);
await runBatch('retry of the same batch', plan.confirm);

await app.close();
await worker.stop();
await stores.close();
await azurite.stop();
