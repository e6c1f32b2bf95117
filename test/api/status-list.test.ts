// GET /instances/{id} and GET /instances: status codes, headers, the status object, filters, paging.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('GET /instances/{id}', () => {
  it('answers 202 with Location = request URL and Retry-After: 5 while not finished', async () => {
    const id = await startInstance(t, 'Hello', 'status-pending', '{"a":1}');
    const url = `${BASE}/instances/${id}?code=${KEY}&showInput=true`;
    const res = await t.call('GET', url, { noKey: true, headers: { host: 'api.example.test' } });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toBe(`http://api.example.test${url}`);
    expect(res.headers['retry-after']).toBe('5');
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'name',
      'instanceId',
      'runtimeStatus',
      'input',
      'customStatus',
      'output',
      'createdTime',
      'lastUpdatedTime',
    ]);
    expect(body).toMatchObject({
      name: 'Hello',
      instanceId: id,
      runtimeStatus: 'Pending',
      input: { a: 1 },
      customStatus: null,
      output: null,
    });
    expect(body.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.lastUpdatedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('answers 202 for Running, ContinuedAsNew and Suspended, 200 for finished statuses', async () => {
    const id = await startInstance(t, 'Hello', 'status-cycle');
    for (const status of ['Running', 'ContinuedAsNew', 'Suspended'] as const) {
      await setInstanceState(t.store, id, status);
      expect((await t.call('GET', `${BASE}/instances/${id}`)).statusCode, status).toBe(202);
    }
    for (const status of ['Completed', 'Terminated', 'Canceled', 'Failed'] as const) {
      await setInstanceState(t.store, id, status);
      const res = await t.call('GET', `${BASE}/instances/${id}`);
      expect(res.statusCode, status).toBe(200);
      expect(res.headers.location, status).toBeUndefined();
    }
  });

  it('parses stored output as JSON and returns plain text as a JSON string', async () => {
    const id = await startInstance(t, 'Hello', 'status-output');
    await setInstanceState(t.store, id, 'Completed', { output: '["Hello Tokyo!","Hello London!"]', customStatus: '{"step":3}' });
    expect((await t.call('GET', `${BASE}/instances/${id}`)).json()).toMatchObject({
      output: ['Hello Tokyo!', 'Hello London!'],
      customStatus: { step: 3 },
    });
    await setInstanceState(t.store, id, 'Terminated', { output: 'stopped by operator' });
    expect((await t.call('GET', `${BASE}/instances/${id}`)).json().output).toBe('stopped by operator');
  });

  it('answers 500 with the status object for Failed only when returnInternalServerErrorOnFailure=true', async () => {
    const id = await startInstance(t, 'Hello', 'status-failed');
    await setInstanceState(t.store, id, 'Failed', { output: 'Orchestrator function failed: boom' });
    expect((await t.call('GET', `${BASE}/instances/${id}`)).statusCode).toBe(200);
    const res = await t.call('GET', `${BASE}/instances/${id}?returnInternalServerErrorOnFailure=true`);
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ instanceId: id, runtimeStatus: 'Failed', output: 'Orchestrator function failed: boom' });
  });

  it('hides the input with showInput=false and adds historyEvents with showHistory=true', async () => {
    const id = await startInstance(t, 'Hello', 'status-flags', '{"secret":1}');
    const hidden = (await t.call('GET', `${BASE}/instances/${id}?showInput=false`)).json() as Record<string, unknown>;
    expect(hidden.input).toBeNull();
    expect('input' in hidden && 'output' in hidden).toBe(true);
    expect('historyEvents' in hidden).toBe(false);
    // A Pending instance has no history to show (the field is left out); a running one has.
    await setInstanceState(t.store, id, 'Running');
    const withHistory = (await t.call('GET', `${BASE}/instances/${id}?showHistory=true`)).json() as Record<string, unknown>;
    expect(Array.isArray(withHistory.historyEvents)).toBe(true);
  });

  it('shows the stored history as historyEvents, with results only on request', async () => {
    const id = await startInstance(t, 'Hello', 'status-history', '"in"');
    await setInstanceState(t.store, id, 'Running');
    const { executionId } = (await t.store.getInstance(id))!;
    const at = (s: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, s)).toISOString();
    await t.store.history.checkpoint({
      instanceId: id,
      executionId,
      existingCount: 0,
      newEvents: [
        { EventType: 'OrchestratorStarted', EventId: -1, Timestamp: at(0) },
        {
          EventType: 'ExecutionStarted',
          EventId: -1,
          Timestamp: at(0),
          Name: 'Hello',
          Version: '',
          Input: '"in"',
          OrchestrationInstance: { InstanceId: id, ExecutionId: executionId },
        },
        { EventType: 'TaskScheduled', EventId: 0, Timestamp: at(1), Name: 'SayHello', Version: '', Input: '"Tokyo"' },
        { EventType: 'OrchestratorCompleted', EventId: -1, Timestamp: at(1) },
        { EventType: 'TaskCompleted', EventId: -1, Timestamp: at(2), TaskScheduledId: 0, Result: '"Hello Tokyo!"' },
      ],
    });
    const plain = (await t.call('GET', `${BASE}/instances/${id}?showHistory=true`)).json() as { historyEvents: Record<string, unknown>[] };
    expect(plain.historyEvents.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'TaskCompleted']);
    expect(plain.historyEvents[0]).toMatchObject({ FunctionName: 'Hello', Input: '"in"' });
    expect(plain.historyEvents[1]).toMatchObject({
      FunctionName: 'SayHello',
      ScheduledTime: expect.stringMatching(/^2024-01-01T00:00:01/),
    });
    expect('Result' in plain.historyEvents[1]).toBe(false);
    const withOutput = (await t.call('GET', `${BASE}/instances/${id}?showHistory=true&showHistoryOutput=true`)).json() as {
      historyEvents: Record<string, unknown>[];
    };
    expect(withOutput.historyEvents[1].Result).toBe('Hello Tokyo!');
  });

  it('answers 404 InstanceNotFound for an unknown id', async () => {
    const res = await t.call('GET', `${BASE}/instances/nobody-here`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'InstanceNotFound', message: expect.any(String) });
  });

  it('answers 400 for invalid booleans', async () => {
    for (const q of ['showInput=yes', 'showHistory=1', 'returnInternalServerErrorOnFailure=']) {
      const res = await t.call('GET', `${BASE}/instances/status-pending?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error, q).toBe('InvalidQueryParameter');
    }
  });
});

describe('GET /instances', () => {
  let listHub: TestApp;
  beforeAll(async () => {
    listHub = await createTestApp();
    for (let i = 0; i < 5; i++) await startInstance(listHub, 'Lister', `list-${i}`, `{"i":${i}}`);
    await setInstanceState(listHub.store, 'list-3', 'Completed', { output: '1' });
    await setInstanceState(listHub.store, 'list-4', 'Failed', { output: 'x' });
    await startInstance(listHub, 'Lister', 'other-1');
  });
  afterAll(async () => {
    await listHub.close();
  });

  const ids = (res: { json(): unknown }) => (res.json() as { instanceId: string }[]).map((s) => s.instanceId).sort();

  it('lists every instance with an empty continuation header on the last page', async () => {
    const res = await listHub.call('GET', `${BASE}/instances`);
    expect(res.statusCode).toBe(200);
    expect(ids(res)).toEqual(['list-0', 'list-1', 'list-2', 'list-3', 'list-4', 'other-1']);
    expect(res.headers['x-ms-continuation-token']).toBe('');
  });

  it('treats /instances/ (trailing slash) as the list', async () => {
    const res = await listHub.call('GET', `${BASE}/instances/`);
    expect(res.statusCode).toBe(200);
    expect(ids(res)).toHaveLength(6);
  });

  it('filters by status (any letter case), prefix, and created time', async () => {
    expect(ids(await listHub.call('GET', `${BASE}/instances?runtimeStatus=completed,FAILED`))).toEqual(['list-3', 'list-4']);
    expect(ids(await listHub.call('GET', `${BASE}/instances?runtimeStatus=Completed&runtimeStatus=Failed`))).toEqual(['list-3', 'list-4']);
    expect(ids(await listHub.call('GET', `${BASE}/instances?instanceIdPrefix=other`))).toEqual(['other-1']);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(ids(await listHub.call('GET', `${BASE}/instances?createdTimeFrom=${future}`))).toEqual([]);
    expect(ids(await listHub.call('GET', `${BASE}/instances?createdTimeTo=2000-01-01`))).toEqual([]);
    const past = new Date(Date.now() - 3600_000).toISOString().replace('Z', '');
    expect(ids(await listHub.call('GET', `${BASE}/instances?createdTimeFrom=${past}&createdTimeTo=${future}`))).toHaveLength(6);
  });

  it('hides inputs with showInput=false', async () => {
    const all = (await listHub.call('GET', `${BASE}/instances?showInput=false`)).json() as { input: unknown }[];
    expect(all.every((s) => s.input === null)).toBe(true);
    const withInput = (await listHub.call('GET', `${BASE}/instances?instanceIdPrefix=list-0`)).json() as { input: unknown }[];
    expect(withInput[0].input).toEqual({ i: 0 });
  });

  it('pages with top and the x-ms-continuation-token header', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await listHub.call('GET', `${BASE}/instances?top=2`, { headers: token ? { 'x-ms-continuation-token': token } : {} });
      expect(res.statusCode).toBe(200);
      const page = ids(res);
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page);
      token = res.headers['x-ms-continuation-token'] as string;
      expect(typeof token).toBe('string');
      pages++;
    } while (token && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual(['list-0', 'list-1', 'list-2', 'list-3', 'list-4', 'other-1']);
  });

  it('takes a top over one page as a maximum: pages of at most 1000, as the extension passes any top on', async () => {
    const res = await listHub.call('GET', `${BASE}/instances?top=5000`);
    expect(res.statusCode).toBe(200);
    expect(ids(res)).toHaveLength(6);
    expect(res.headers['x-ms-continuation-token']).toBe('');
  });

  it('answers 400 for bad filters', async () => {
    for (const q of [
      'top=0',
      'top=abc',
      'top=2.5',
      'createdTimeFrom=yesterday',
      'createdTimeTo=2024-13-45T00:00:00Z',
      'runtimeStatus=Running,Sleeping',
      'runtimeStatus=Unknown',
      'showInput=maybe',
    ]) {
      const res = await listHub.call('GET', `${BASE}/instances?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json(), q).toMatchObject({ error: 'InvalidQueryParameter', message: expect.any(String) });
    }
  });
});
