// Entities under a crash: a worker process applying 100 signals to one entity is SIGKILLed in the
// middle; a new worker takes over its partitions and every signal is applied exactly once.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, startHarness, type Harness } from './harness.js';
import { killWorkers, spawnWorker } from './worker-process.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ worker: false });
});
afterAll(async () => {
  killWorkers();
  await h?.close();
});

const deposit = () =>
  h.http().post(`${BASE}/entities/Account/crash?op=deposit&code=${KEY}`).set('content-type', 'application/json').send('1');

async function balance(): Promise<number> {
  const res = await h.http().get(`${BASE}/entities/account/crash?code=${KEY}`);
  return res.status === 200 ? (res.body as number) : 0;
}

async function waitFor(done: (n: number) => boolean, timeoutInMs: number): Promise<number> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const n = await balance();
    if (done(n) || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('entity crash recovery', () => {
  it('applies 100 signals exactly once across a SIGKILLed worker', async () => {
    const first = spawnWorker(h.hub);
    const sent = await Promise.all(Array.from({ length: 60 }, deposit));
    expect(sent.every((r) => r.status === 202)).toBe(true);
    // Kill the worker while it is applying them.
    const before = await waitFor((n) => n > 0, 60_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    expect(before).toBeGreaterThan(0);
    const more = await Promise.all(Array.from({ length: 40 }, deposit));
    expect(more.every((r) => r.status === 202)).toBe(true);

    const second = spawnWorker(h.hub);
    expect(await waitFor((n) => n >= 100, 90_000)).toBe(100);
    // Messages the first worker had not deleted come back after their visibility timeout: none may count twice.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await balance()).toBe(100);
    second.kill('SIGTERM');
    await once(second, 'exit');
  }, 180_000);
});
