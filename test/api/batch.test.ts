// POST /instances/batch and GET /batches/{id}: id and filter batches, the confirm token, outcomes,
// retries reported as skipped, and clear 4xx answers for bad requests. Most tests run no worker
// (the instance-state fixture moves instances along); one runs the whole story with the worker.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/app.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { azuriteConnectionString } from '../helpers/hub.js';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (body: unknown) =>
  t.call('POST', `${BASE}/instances/batch`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

interface Progress {
  id: string;
  state: string;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  outcomesFrom: number;
  outcomes: { instanceId: string; outcome: string; reason?: string; error?: string }[];
}

async function finished(id: string, app: TestApp = t): Promise<Progress> {
  for (let i = 0; i < 400; i++) {
    const res = await app.call('GET', `${BASE}/batches/${id}`);
    expect(res.statusCode).toBe(200);
    const progress = res.json() as Progress;
    if (progress.state !== 'Running') return progress;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('batch did not finish');
}

describe('batch over instance ids', () => {
  it('reports done, skipped with the reason and failed with the error, per instance', async () => {
    const running = await startInstance(t, 'Hello', 'b-running');
    const completed = await startInstance(t, 'Hello', 'b-completed');
    await setInstanceState(t.store, running, 'Running');
    await setInstanceState(t.store, completed, 'Completed');
    const res = await post({ operation: 'terminate', instanceIds: [running, completed, 'b-missing'], reason: 'ops' });
    expect(res.statusCode, res.body).toBe(202);
    const started = res.json() as Progress;
    expect(res.headers.location).toMatch(new RegExp(`${BASE}/batches/${started.id}$`));
    const progress = await finished(started.id);
    expect(progress).toMatchObject({ state: 'Completed', total: 3, done: 1, skipped: 1, failed: 1 });
    const byId = Object.fromEntries(progress.outcomes.map((o) => [o.instanceId, o]));
    expect(byId[running]).toEqual({ instanceId: running, outcome: 'done' });
    expect(byId[completed]).toEqual({ instanceId: completed, outcome: 'skipped', reason: 'already Completed' });
    expect(byId['b-missing']).toMatchObject({ outcome: 'failed', error: 'InstanceNotFound' });
    // `from` returns only outcomes not seen yet.
    const tail = (await t.call('GET', `${BASE}/batches/${started.id}?from=2`)).json() as Progress;
    expect(tail.outcomesFrom).toBe(2);
    expect(tail.outcomes).toEqual(progress.outcomes.slice(2));
  });

  it('purges, and a retry reports the purged instances as skipped', async () => {
    const a = await startInstance(t, 'Hello', 'b-purge-a');
    await setInstanceState(t.store, a, 'Completed');
    const first = await finished((await post({ operation: 'purge', instanceIds: [a] })).json().id);
    expect(first).toMatchObject({ done: 1, skipped: 0 });
    const retry = await finished((await post({ operation: 'purge', instanceIds: [a] })).json().id);
    expect(retry.outcomes).toEqual([{ instanceId: a, outcome: 'skipped', reason: 'not found (already purged)' }]);
  });
});

describe('batch over a filter', () => {
  it('plans first (count + token), runs exactly the planned instances when confirmed, and a retry skips them all', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await startInstance(t, 'FilterMe', `bf-${i}`));
    for (const id of ids) await setInstanceState(t.store, id, 'Running');
    await setInstanceState(t.store, await startInstance(t, 'FilterMe', 'bf-done'), 'Completed');
    const request = { operation: 'terminate', filter: { name: 'FilterMe', runtimeStatus: ['running'] } };

    const planned = await post(request);
    expect(planned.statusCode, planned.body).toBe(200);
    const plan = planned.json() as { matched: number; confirm: string; expiresAt: string };
    expect(plan.matched).toBe(12);
    expect(plan.confirm).toMatch(/\S{16,}/);
    expect((await t.call('GET', `${BASE}/instances/bf-0`)).json().runtimeStatus).toBe('Running');

    // The token confirms only its own filter and operation.
    const other = await post({ ...request, filter: { name: 'FilterMe' }, confirm: plan.confirm });
    expect(other.statusCode).toBe(400);
    expect((await post({ ...request, operation: 'suspend', confirm: plan.confirm })).statusCode).toBe(400);
    expect((await post({ ...request, confirm: 'made-up' })).json()).toMatchObject({
      error: 'BadRequest',
      message: expect.stringContaining('plan again'),
    });

    const run = await post({ ...request, confirm: plan.confirm });
    expect(run.statusCode, run.body).toBe(202);
    const progress = await finished(run.json().id);
    expect(progress).toMatchObject({ total: 12, done: 12, skipped: 0, failed: 0 });
    expect(progress.outcomes.map((o) => o.instanceId).sort()).toEqual([...ids].sort());

    // What a worker does with the terminate messages; then the same confirmed request again.
    for (const id of ids) await setInstanceState(t.store, id, 'Terminated');
    const retry = await finished((await post({ ...request, confirm: plan.confirm })).json().id);
    expect(retry).toMatchObject({ total: 12, done: 0, skipped: 12 });
    expect(new Set(retry.outcomes.map((o) => o.reason))).toEqual(new Set(['already Terminated']));
  });
});

describe('a filter batch with the worker running', () => {
  it('terminates every running instance with progress visible mid-run, and a retry skips them all', async () => {
    const direct = azuriteConnectionString();
    const tablePort = Number(/TableEndpoint=http:\/\/[^:]+:(\d+)\//.exec(direct)?.[1]);
    // Storage drops the batch's reads of one instance a few times: the runner retries it after
    // pauses, so the batch is observably half-done meanwhile, and the instance still ends up done.
    const tables = await startFaultProxy('127.0.0.1', tablePort);
    const w = await startTestApp({ hubPrefix: 'batchw', worker: true, env: { AzureWebJobsStorage: tables.route(direct) } });
    try {
      const COUNT = 30;
      const ids = Array.from({ length: COUNT }, (_, i) => `wb-${i}`);
      for (const id of ids) await startInstance(w, 'HumanApproval', id, JSON.stringify({ timeoutSeconds: 3600 }));
      const counted = async (status: string) =>
        (await w.call('GET', `${BASE}/instances/counts?name=HumanApproval&runtimeStatus=${status}`)).json<{ total: number }>().total;
      for (let i = 0; (await counted('Running')) < COUNT; i++) {
        if (i > 600) throw new Error('instances did not start');
        await new Promise((r) => setTimeout(r, 100));
      }

      const request = { operation: 'terminate', filter: { name: 'HumanApproval', runtimeStatus: ['Running'] }, reason: 'batch test' };
      const postTo = (body: unknown) =>
        w.call('POST', `${BASE}/instances/batch`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      const plan = (await postTo(request)).json<{ matched: number; confirm: string }>();
      expect(plan.matched).toBe(COUNT);
      tables.arm({
        matches: (method, path) => method === 'GET' && path.includes(`Instances(PartitionKey='wb-17'`),
        times: 4,
        when: 'before',
      });
      const started = await postTo({ ...request, confirm: plan.confirm });
      expect(started.statusCode, started.body).toBe(202);
      const id = started.json<Progress>().id;

      const midRun: Progress[] = [];
      let progress: Progress;
      for (;;) {
        progress = (await w.call('GET', `${BASE}/batches/${id}`)).json<Progress>();
        if (progress.state !== 'Running') break;
        if (progress.outcomes.length > 0 && progress.outcomes.length < COUNT) midRun.push(progress);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(tables.failed().length).toBe(4);
      expect(midRun.length).toBeGreaterThan(0);
      expect(midRun[0]).toMatchObject({ state: 'Running', total: COUNT, failed: 0 });
      expect(progress).toMatchObject({ state: 'Completed', total: COUNT, done: COUNT, skipped: 0, failed: 0 });
      expect(progress.outcomes.map((o) => o.instanceId).sort()).toEqual([...ids].sort());
      expect(new Set(progress.outcomes.map((o) => o.outcome))).toEqual(new Set(['done']));

      for (let i = 0; (await counted('Terminated')) < COUNT; i++) {
        if (i > 600) throw new Error('the worker did not terminate them');
        await new Promise((r) => setTimeout(r, 100));
      }
      const retry = await finished((await postTo({ ...request, confirm: plan.confirm })).json<Progress>().id, w);
      expect(retry).toMatchObject({ state: 'Completed', total: COUNT, done: 0, skipped: COUNT, failed: 0 });
      expect(new Set(retry.outcomes.map((o) => o.reason))).toEqual(new Set(['already Terminated']));
    } finally {
      await w.close();
      await tables.close();
    }
  }, 120_000);
});

describe('bad batch requests', () => {
  it('answer 400/404 JSON', async () => {
    const cases: [unknown, string][] = [
      [{ operation: 'terminate' }, 'exactly one'],
      [{ operation: 'terminate', instanceIds: ['a'], filter: {} }, 'exactly one'],
      [{ operation: 'explode', instanceIds: ['a'] }, 'operation'],
      [{ operation: 'raiseEvent', instanceIds: ['a'] }, 'eventName'],
      [{ operation: 'terminate', instanceIds: [] }, 'instanceIds'],
      [{ operation: 'terminate', filter: { runtimeStatus: ['Sleeping'] } }, 'Sleeping'],
      [{ operation: 'terminate', filter: { createdTimeFrom: 'yesterday' } }, 'createdTimeFrom'],
      [{ operation: 'terminate', filter: { colour: 'red' } }, 'additional'],
    ];
    for (const [body, text] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message, JSON.stringify(body)).toContain(text);
    }
    const notJson = await t.call('POST', `${BASE}/instances/batch`, { body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: 'InvalidJson' });
    const missing = await t.call('GET', `${BASE}/batches/nope`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'BatchNotFound' });
  });
});
