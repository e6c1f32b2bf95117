// Long-poll waiters cost storage reads per interval, not per waiter. The API's table traffic goes
// through a proxy that counts it: while many waiters wait on instances a worker in another process
// runs, the API reads the Instances table about once per retry interval for all of them; with the
// worker in the same process it does not read it at all until the completions arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, startTestApp, type TestApp } from '../helpers/app.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { azuriteConnectionString } from '../helpers/hub.js';
import { killWorkers, spawnWorker } from './worker-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tableEndpointPort = (cs: string) => Number(/TableEndpoint=http:\/\/[^:]+:(\d+)\//.exec(cs)?.[1]);

const INSTANCES = 30;
const WAITERS_PER_INSTANCE = 2;
const INTERVAL_IN_S = 0.25;
const WINDOW_IN_MS = 2500;

let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await startFaultProxy('127.0.0.1', tableEndpointPort(azuriteConnectionString()));
});
afterAll(async () => {
  killWorkers();
  await proxy?.close();
});

/** Instances-table requests the API made through the proxy so far. */
const instanceReads = (t: TestApp) => proxy.received().filter((r) => r.path.includes(`/${t.hub}Instances`)).length;

/** Whole-row point reads (a waiter's first read; group polls read one column). */
const rowReads = (t: TestApp) =>
  proxy.received().filter((r) => r.path.includes(`/${t.hub}Instances(PartitionKey=`) && !r.path.includes('$select')).length;

/** Waits until every waiter has made its first read: only then is each one holding. */
async function untilHeld(t: TestApp, rowReadsBefore: number): Promise<void> {
  while (rowReads(t) - rowReadsBefore < INSTANCES * WAITERS_PER_INSTANCE) await sleep(50);
  await sleep(300);
}

async function startApprovals(t: TestApp, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: INSTANCES }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) {
    const res = await t.call('POST', `${BASE}/orchestrators/HumanApproval/${id}`, {
      body: '{"timeoutSeconds":600}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(202);
  }
  // Every instance is Running (waiting for its Approval event) before the waiters come.
  for (let i = 0; ; i++) {
    const res = await t.call('GET', `${BASE}/instances?runtimeStatus=Running&top=1000`);
    if ((res.json() as unknown[]).length === INSTANCES) break;
    if (i > 600) throw new Error('instances did not start');
    await sleep(100);
  }
  return ids;
}

function waitAll(t: TestApp, ids: string[]) {
  return ids.flatMap((id) =>
    Array.from({ length: WAITERS_PER_INSTANCE }, () =>
      t.call('GET', `${BASE}/instances/${id}/wait?timeout=60&retryInterval=${INTERVAL_IN_S}`),
    ),
  );
}

async function approveAll(t: TestApp, ids: string[]): Promise<void> {
  for (const id of ids) {
    const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/Approval`, {
      body: JSON.stringify({ approved: id }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(202);
  }
}

async function expectAllAnswered(ids: string[], waits: ReturnType<typeof waitAll>): Promise<void> {
  const answers = await Promise.all(waits);
  answers.forEach((res, i) => {
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ approved: ids[Math.floor(i / WAITERS_PER_INSTANCE)] });
  });
}

describe('long-poll waiters', () => {
  it('arriving all at once: their first reads queue, never more than 32 storage requests at a time', { timeout: 120_000 }, async () => {
    const t = await startTestApp({
      hubPrefix: 'gb',
      env: { AzureWebJobsStorage: proxy.route(azuriteConnectionString()), TASKHUB_PARTITION_COUNT: '2' },
    });
    try {
      const res = await t.call('POST', `${BASE}/orchestrators/HumanApproval/burst`, {
        body: '{"timeoutSeconds":600}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(202);
      proxy.resetPeakInFlight();
      // Each waiter makes its first read, holds a second and answers with the still-Pending instance.
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => t.call('GET', `${BASE}/instances/burst/wait?timeout=1&retryInterval=1`)),
      );
      for (const answer of answers) expect(answer.statusCode).toBe(202);
      expect(proxy.peakInFlight()).toBeGreaterThan(1);
      expect(proxy.peakInFlight()).toBeLessThanOrEqual(32);
    } finally {
      await t.close();
    }
  });

  it('on instances another process finishes: one group read per interval, and all are answered', { timeout: 120_000 }, async () => {
    const t = await startTestApp({
      hubPrefix: 'gw',
      env: { AzureWebJobsStorage: proxy.route(azuriteConnectionString()), TASKHUB_PARTITION_COUNT: '2' },
    });
    try {
      spawnWorker(t.hub);
      const ids = await startApprovals(t, 'remote');
      const mark = rowReads(t);
      const waits = waitAll(t, ids);
      await untilHeld(t, mark);
      const before = instanceReads(t);
      const from = Date.now();
      await sleep(WINDOW_IN_MS);
      const during = instanceReads(t) - before;
      const intervals = (Date.now() - from) / (INTERVAL_IN_S * 1000);
      // One read per waiter per interval would be 60 x 10 = 600; one per tick is about 10. The
      // bound leaves room for a tick the busy machine delays past the next one, or a query Azurite
      // answers in two pages, without letting a read per waiter (or per instance) through.
      expect(during).toBeGreaterThanOrEqual(1);
      expect(during).toBeLessThanOrEqual(2 * intervals + 2);

      await approveAll(t, ids);
      await expectAllAnswered(ids, waits);
    } finally {
      await t.close();
    }
  });

  it('on instances the in-process worker runs: no read while they wait', { timeout: 120_000 }, async () => {
    const t = await startTestApp({
      hubPrefix: 'gl',
      env: { AzureWebJobsStorage: proxy.route(azuriteConnectionString()), TASKHUB_PARTITION_COUNT: '2' },
      worker: true,
    });
    try {
      const ids = await startApprovals(t, 'local');
      // The worker has held its partitions for longer than the hand-over grace (another process
      // may finish an episode just after a take-over): from now on its notifications are enough.
      await sleep(5500);
      const mark = rowReads(t);
      const waits = waitAll(t, ids);
      await untilHeld(t, mark);
      const before = instanceReads(t);
      await sleep(WINDOW_IN_MS);
      expect(instanceReads(t) - before).toBe(0);

      await approveAll(t, ids);
      await expectAllAnswered(ids, waits);
    } finally {
      await t.close();
    }
  });
});
