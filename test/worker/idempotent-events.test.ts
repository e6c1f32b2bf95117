// Raise event with an Idempotency-Key: a retried request (same key, same event name) is applied
// once, however often and however concurrently it arrives; without a key every request counts.

import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/index.js';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  const registry = new Registry();
  // Sums every Add until Done arrives.
  registry.orchestration('Sum', function* (context: OrchestrationContext) {
    let sum = 0;
    for (;;) {
      const add = context.df.waitForExternalEvent('Add');
      const done = context.df.waitForExternalEvent('Done');
      const winner = yield context.df.Task.any([add, done]);
      if (winner === done) return sum;
      sum += Number(add.result);
    }
  });
  t = await startTestApp({ hubPrefix: 'idem', worker: { registry } });
}, 120_000);
afterAll(async () => t?.close());

const raise = (id: string, name: string, body: string, key?: string) =>
  t.call('POST', `${BASE}/instances/${id}/raiseEvent/${name}`, {
    body,
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  });

describe('idempotent raise event', () => {
  it('applies a retried event with the same Idempotency-Key once', { timeout: 120_000 }, async () => {
    const id = `sum-${Date.now()}`;
    expect((await t.call('POST', `${BASE}/orchestrators/Sum/${id}`)).statusCode).toBe(202);
    await pollStatus(t, id, (s) => s.runtimeStatus === 'Running', '', 30_000);
    const answers = await Promise.all([
      raise(id, 'Add', '1', 'payment-1'),
      raise(id, 'Add', '1', 'payment-1'),
      raise(id, 'Add', '10', 'payment-2'),
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    answers.push(await raise(id, 'Add', '1', 'payment-1'), await raise(id, 'Add', '10', 'payment-2'));
    answers.push(await raise(id, 'Add', '100'), await raise(id, 'Add', '100'));
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 202, 202, 202, 202]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await raise(id, 'Done', 'null')).statusCode).toBe(202);
    const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 60_000);
    expect(done.output).toBe(1 + 10 + 100 + 100);
  });

  it('rejects a malformed Idempotency-Key with 400', async () => {
    const id = `sum-bad-${Date.now()}`;
    expect((await t.call('POST', `${BASE}/orchestrators/Sum/${id}`)).statusCode).toBe(202);
    for (const key of ['has space', 'x'.repeat(201), 'é']) {
      const res = await raise(id, 'Add', '1', key);
      expect(res.statusCode, key).toBe(400);
      expect(res.json()).toMatchObject({ error: 'BadRequest' });
    }
  });
});
