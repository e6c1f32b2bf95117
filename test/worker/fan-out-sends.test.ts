// A wide fan-out is sent a bounded number of requests at a time: the queue traffic goes through a
// proxy that records the most requests it held open at once, while an orchestration schedules 400
// activities in one episode. Unbounded, that episode alone opened 400 requests at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, startTestApp, type TestApp } from '../helpers/app.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { azuritePorts, azuriteConnectionString } from '../helpers/hub.js';

const ACTIVITIES = 400;

let queues: FaultProxy;
let t: TestApp;
beforeAll(async () => {
  queues = await startFaultProxy('127.0.0.1', azuritePorts().queue);
  t = await startTestApp({
    hubPrefix: 'fan',
    env: { AzureWebJobsStorage: queues.route(azuriteConnectionString()), TASKHUB_PARTITION_COUNT: '2' },
    worker: true,
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await queues?.close();
});

describe('a fan-out of 400 activities', () => {
  it(
    'completes with every result while the queues never see more than a bounded number of requests at once',
    { timeout: 120_000 },
    async () => {
      queues.resetPeakInFlight();
      const res = await t.call('POST', `${BASE}/orchestrators/FanOutFanIn/wait?timeout=100`, {
        body: JSON.stringify({ count: ACTIVITIES }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toBe((ACTIVITIES * (ACTIVITIES + 1)) / 2);
      const sends = queues.received().filter((r) => r.method === 'POST' && r.path.includes(`${t.hub.toLowerCase()}-workitems/messages`));
      expect(sends.length).toBeGreaterThanOrEqual(ACTIVITIES);
      // 32 for the commit's sends, plus the partition loops, the work-item loop and 16 running activities.
      expect(queues.peakInFlight()).toBeLessThanOrEqual(64);
    },
  );
});
