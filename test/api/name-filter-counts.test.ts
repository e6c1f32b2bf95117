// taskhub additions for the dashboard: the `name` filter on the list, counts per status, the
// registered orchestrator names.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';

let t: TestApp;
// Unknown (any name may start) while the fixtures are made; then a registry to list.
let registry: string[] | undefined;
beforeAll(async () => {
  t = await createTestApp({ orchestratorNames: () => registry });
  // Names chosen so that a prefix range must stop at the right place: Apply < Approval < Apr.
  for (const [id, name] of [
    ['n1', 'Approval'],
    ['n2', 'Approval'],
    ['n3', 'ApprovalV2'],
    ['n4', 'Apply'],
    ['n5', 'Apr'],
    ['n6', 'Other'],
  ]) {
    await startInstance(t, name, id);
  }
  await setInstanceState(t.store, 'n1', 'Completed');
  await setInstanceState(t.store, 'n3', 'Failed');
  await setInstanceState(t.store, 'n6', 'Running');
  registry = ['Zeta', 'Approval', 'Alpha'];
});
afterAll(async () => {
  await t.close();
});

const ids = async (query: string) => {
  const res = await t.call('GET', `${BASE}/instances?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { instanceId: string }[]).map((s) => s.instanceId).sort();
};

describe('GET /instances?name=', () => {
  it('matches the orchestrator name exactly, case-sensitive', async () => {
    expect(await ids('name=Approval')).toEqual(['n1', 'n2']);
    expect(await ids('name=approval')).toEqual([]);
  });

  it('matches a prefix with a trailing *', async () => {
    expect(await ids('name=Appro*')).toEqual(['n1', 'n2', 'n3']);
    expect(await ids('name=Ap*')).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(await ids('name=*')).toHaveLength(6);
  });

  it('combines with the status and id-prefix filters', async () => {
    expect(await ids('name=Appro*&runtimeStatus=Pending,Failed')).toEqual(['n2', 'n3']);
    expect(await ids('name=Approval&instanceIdPrefix=n2')).toEqual(['n2']);
    expect(await ids(`name=Approval&createdTimeFrom=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).toEqual([]);
  });
});

describe('GET /instances/counts', () => {
  it('counts every status for the filter, zeros included', async () => {
    const res = await t.call('GET', `${BASE}/instances/counts`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      counts: { Pending: 3, Running: 1, Completed: 1, ContinuedAsNew: 0, Failed: 1, Canceled: 0, Terminated: 0, Suspended: 0 },
      total: 6,
    });
    const named = (await t.call('GET', `${BASE}/instances/counts?name=Appro*&runtimeStatus=Failed,Completed`)).json();
    expect(named).toMatchObject({ counts: { Completed: 1, Failed: 1, Pending: 0 }, total: 2 });
  });

  it('answers 400 JSON for a bad filter value and still serves an instance named "counts" elsewhere', async () => {
    const res = await t.call('GET', `${BASE}/instances/counts?runtimeStatus=Sleeping`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'InvalidQueryParameter' });
    expect((await t.call('GET', `${BASE}/instances/counts?createdTimeFrom=yesterday`)).statusCode).toBe(400);
  });
});

describe('GET /orchestrators', () => {
  it('lists the worker registry, sorted', async () => {
    const res = await t.call('GET', `${BASE}/orchestrators`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ known: true, names: ['Alpha', 'Approval', 'Zeta'] });
  });

  it('says unknown for a hub the in-process worker does not serve', async () => {
    const res = await t.call('GET', `${BASE}/orchestrators?taskHub=SomeOtherHub`);
    expect(res.json()).toEqual({ known: false, names: [] });
  });
});
