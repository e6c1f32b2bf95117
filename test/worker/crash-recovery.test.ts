// Crash safety: a worker process is SIGKILLed mid-orchestration; a new one takes over its
// partitions after the lease expires and the instance completes once, with no lost or duplicated events.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';
import { killWorkers, spawnWorker } from './worker-process.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  killWorkers();
  await h?.close();
});

describe('crash recovery', () => {
  it('completes a FanOutFanIn exactly once after the worker is killed mid-flight', async () => {
    const first = spawnWorker(h.hub);
    const res = await h
      .http()
      .post(`${BASE}/orchestrators/FanOutFanIn?code=${KEY}`)
      .set('Content-Type', 'application/json')
      .send('{"count":4,"delayMs":1500}');
    const id = res.body.id as string;
    // Activities are scheduled (and running, 1.5 s each) when the first worker dies.
    await pollStatus(h, id, (s) => s.runtimeStatus === 'Running', '', 30_000);
    first.kill('SIGKILL');
    await once(first, 'exit');

    const second = spawnWorker(h.hub);
    const done = await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed', '', 45_000);
    expect(done.output).toBe(10);

    const { events } = await h.store.getHistory(id);
    const count = (type: string) => events.filter((e) => e.EventType === type).length;
    expect(count('ExecutionStarted')).toBe(1);
    expect(count('ExecutionCompleted')).toBe(1);
    expect(count('TaskScheduled')).toBe(4);
    expect(count('TaskCompleted')).toBe(4);
    const completedIds = events.filter((e) => e.EventType === 'TaskCompleted').map((e) => e.TaskScheduledId);
    expect(new Set(completedIds).size).toBe(4);
    second.kill('SIGTERM');
    await once(second, 'exit');
    expect(second.exitCode).toBe(0);
  });
  it('completes 50 fan-out instances exactly once when the worker is killed mid-run', { timeout: 240_000 }, async () => {
    const first = spawnWorker(h.hub);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await h.call('POST', `${BASE}/orchestrators/FanOutFanIn/crash50-${i}`, {
        body: '{"count":4,"delayMs":300}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(202);
      ids.push(`crash50-${i}`);
    }
    // Some instances are under way (others still queued) when the worker dies.
    await pollStatus(h, ids[0], (s) => s.runtimeStatus === 'Running' || s.runtimeStatus === 'Completed', '', 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');

    const second = spawnWorker(h.hub);
    for (const id of ids) {
      const done = await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed', '', 120_000);
      expect(done.output, id).toBe(10);
      const { events } = await h.store.getHistory(id);
      const count = (type: string) => events.filter((e) => e.EventType === type).length;
      expect([count('ExecutionStarted'), count('ExecutionCompleted'), count('TaskScheduled'), count('TaskCompleted')], id).toEqual([
        1, 1, 4, 4,
      ]);
    }
    second.kill('SIGTERM');
    await once(second, 'exit');
  });
});
