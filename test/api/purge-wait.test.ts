// Purge (one / by filter) and the three wait-for-completion entry points.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';
import { instanceRow } from './storage-peek.js';

let t: TestApp;
const events = new InstanceEvents();
beforeAll(async () => {
  t = await createTestApp({ events });
});
afterAll(async () => {
  await t.close();
});

describe('DELETE /instances/{id}', () => {
  it('purges whatever the status: 200 {"instancesDeleted":1}, then 404', async () => {
    const id = await startInstance(t, 'Hello', 'purge-one');
    const res = await t.call('DELETE', `${BASE}/instances/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ instancesDeleted: 1 });
    expect(await instanceRow(t.hub, id)).toBeUndefined();
    const again = await t.call('DELETE', `${BASE}/instances/${id}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error).toBe('InstanceNotFound');
  });

  it('reports an instance purged by several calls at once once: one 200, the others 404', async () => {
    const id = await startInstance(t, 'Hello', 'purge-race');
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.call('DELETE', `${BASE}/instances/${id}`)));
    const deleted = answers.filter((a) => a.statusCode === 200);
    expect(deleted.map((a) => a.json<{ instancesDeleted: number }>())).toEqual([{ instancesDeleted: 1 }]);
    expect(answers.filter((a) => a.statusCode === 404)).toHaveLength(7);
    expect(await instanceRow(t.hub, id)).toBeUndefined();
  });
});

describe('DELETE /instances (by filter)', () => {
  let p: TestApp;
  beforeAll(async () => {
    p = await createTestApp();
  });
  afterAll(async () => {
    await p.close();
  });

  it('requires createdTimeFrom and refuses non-terminal statuses', async () => {
    const missing = await p.call('DELETE', `${BASE}/instances`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'InvalidQueryParameter', message: expect.stringContaining('createdTimeFrom') });
    for (const q of ['runtimeStatus=Running', 'runtimeStatus=Running,Pending', 'runtimeStatus=suspended', 'createdTimeFrom=soon']) {
      const res = await p.call('DELETE', `${BASE}/instances/?createdTimeFrom=2020-01-01T00:00:00Z&${q}`);
      expect(res.statusCode, q).toBe(400);
    }
  });

  it('answers 404 NothingToPurge when nothing matched', async () => {
    const res = await p.call('DELETE', `${BASE}/instances?createdTimeFrom=2020-01-01T00:00:00Z`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('NothingToPurge');
  });

  it('purges only finished instances in the window (all terminal statuses by default)', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const ids = ['pf-running', 'pf-completed', 'pf-failed', 'pf-terminated'];
    for (const id of ids) await startInstance(p, 'Hello', id);
    await setInstanceState(p.store, 'pf-running', 'Running');
    await setInstanceState(p.store, 'pf-completed', 'Completed');
    await setInstanceState(p.store, 'pf-failed', 'Failed');
    await setInstanceState(p.store, 'pf-terminated', 'Terminated');

    const onlyFailed = await p.call('DELETE', `${BASE}/instances/?createdTimeFrom=${from}&runtimeStatus=failed`);
    expect(onlyFailed.statusCode).toBe(200);
    expect(onlyFailed.json()).toEqual({ instancesDeleted: 1 });
    expect(await instanceRow(p.hub, 'pf-failed')).toBeUndefined();

    const rest = await p.call('DELETE', `${BASE}/instances?createdTimeFrom=${from}`);
    expect(rest.json()).toEqual({ instancesDeleted: 2 });
    expect(await instanceRow(p.hub, 'pf-running')).toBeDefined();
    expect(await instanceRow(p.hub, 'pf-completed')).toBeUndefined();
  });
});

describe('wait for completion', () => {
  it('GET /instances/{id}/wait answers as soon as an in-process checkpoint reports completion', async () => {
    const id = await startInstance(t, 'Hello', 'wait-notified');
    const started = Date.now();
    const waiting = t.call('GET', `${BASE}/instances/${id}/wait?timeout=20&retryInterval=10`);
    setTimeout(() => {
      void setInstanceState(t.store, id, 'Completed', { output: '{"done":true}' }).then(() =>
        events.notify({ taskHub: t.hub, instanceId: id, runtimeStatus: 'Completed' }),
      );
    }, 150);
    const res = await waiting;
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ done: true });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('finds completion by polling when no notification comes (out-of-process worker)', async () => {
    const id = await startInstance(t, 'Hello', 'wait-polled');
    setTimeout(() => void setInstanceState(t.store, id, 'Completed', { output: '"plain"' }), 150);
    const res = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=10&retryInterval=0.1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toBe('"plain"');
  });

  it('answers with the status object for Failed, Terminated and Canceled', async () => {
    for (const status of ['Failed', 'Terminated', 'Canceled'] as const) {
      const id = await startInstance(t, 'Hello', `wait-${status}`);
      await setInstanceState(t.store, id, status, { output: 'why' });
      const res = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=1`);
      expect(res.statusCode, status).toBe(200);
      expect(res.json(), status).toMatchObject({ instanceId: id, runtimeStatus: status, output: 'why' });
    }
  });

  it('answers 202 with the check-status payload at the timeout, 404 for unknown ids, 400 for bad values', async () => {
    const id = await startInstance(t, 'Hello', 'wait-timeout');
    const res = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=0.2&retryInterval=0.05`);
    expect(res.statusCode).toBe(202);
    expect(res.json().id).toBe(id);
    expect(res.headers.location).toBe(res.json().statusQueryGetUri);
    expect(res.headers['retry-after']).toBe('10');
    expect((await t.call('GET', `${BASE}/instances/nobody/wait?timeout=0.1`)).statusCode).toBe(404);
    for (const q of ['timeout=1&retryInterval=2', 'timeout=-1', 'timeout=x', 'retryInterval=-0.5']) {
      expect((await t.call('GET', `${BASE}/instances/${id}/wait?${q}`)).statusCode, q).toBe(400);
    }
  });

  it('answers a pending wait with 202 when the server shuts down', async () => {
    const own = await createTestApp();
    const id = await startInstance(own, 'Hello', 'wait-shutdown');
    const started = Date.now();
    const waiting = own.call('GET', `${BASE}/instances/${id}/wait?timeout=30&retryInterval=10`);
    await new Promise((r) => setTimeout(r, 100));
    await own.close();
    const res = await waiting;
    expect(res.statusCode).toBe(202);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('start-and-wait returns the raw output when the instance completes in time', async () => {
    const id = 'start-and-wait-done';
    setTimeout(() => {
      void (async () => {
        while (!(await t.store.getInstance(id))) await new Promise((r) => setTimeout(r, 20));
        await setInstanceState(t.store, id, 'Completed', { output: '[1,2,3]' });
        events.notify({ taskHub: t.hub, instanceId: id, runtimeStatus: 'Completed' });
      })();
    }, 50);
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/${id}?timeout=10&pollingInterval=5`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([1, 2, 3]);
  });

  it('the root sample /orchestrators/{name}/wait returns the output of a finished instance', async () => {
    const started = t.call('POST', '/orchestrators/Hello/wait?timeout=10&retryInterval=0.05', { body: '{"x":1}' });
    // Complete whatever instance the sample route created.
    const complete = (async () => {
      for (let i = 0; i < 200; i++) {
        const list = (await t.call('GET', `${BASE}/instances?runtimeStatus=Pending&showInput=true`)).json() as {
          instanceId: string;
          input: unknown;
        }[];
        const mine = list.find((s) => JSON.stringify(s.input) === '{"x":1}');
        if (mine) return setInstanceState(t.store, mine.instanceId, 'Completed', { output: '"sync done"' });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const [res] = await Promise.all([started, complete]);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toBe('sync done');
  });
});
