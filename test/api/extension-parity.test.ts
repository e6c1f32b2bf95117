// Small behaviours a client can see, matched to the Durable Functions extension's HttpApiHandler
// and the Azure Storage provider (no worker here: states are written as a worker would).

import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../helpers/hub.js';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';
import { instanceRow } from './storage-peek.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ orchestratorNames: () => ['E1_HelloSequence', 'Hello'] });
});
afterAll(async () => {
  await t.close();
});

const textPlain = { body: 'hello', headers: { 'content-type': 'text/plain' } };

describe('raiseEvent checks the instance before the body', () => {
  it('answers 404 for an unknown instance, whatever the content type', async () => {
    const res = await t.call('POST', `${BASE}/instances/no-such-instance/raiseEvent/Approval`, textPlain);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('InstanceNotFound');
  });

  it('answers 410 for a finished instance, then 400 for a running one', async () => {
    const done = await startInstance(t, 'Hello', 'raise-order-done');
    await setInstanceState(t.store, done, 'Completed', { output: '1' });
    const gone = await t.call('POST', `${BASE}/instances/${done}/raiseEvent/Approval`, textPlain);
    expect(gone.statusCode).toBe(410);
    const running = await startInstance(t, 'Hello', 'raise-order-running');
    const bad = await t.call('POST', `${BASE}/instances/${running}/raiseEvent/Approval`, textPlain);
    expect(bad.statusCode).toBe(400);
    const badJson = await t.call('POST', `${BASE}/instances/${running}/raiseEvent/Approval`, {
      body: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error).toBe('InvalidJson');
  });
});

describe('restart', () => {
  it('restarts a running instance under a new id (202); the same id stays 409', async () => {
    const id = await startInstance(t, 'Hello', 'restart-while-running', '{"n":1}');
    await setInstanceState(t.store, id, 'Running');
    const res = await t.call('POST', `${BASE}/instances/${id}/restart`);
    expect(res.statusCode).toBe(202);
    const newId = res.json().id as string;
    expect(newId).not.toBe(id);
    expect((await t.call('GET', `${BASE}/instances/${newId}`)).json()).toMatchObject({ name: 'Hello', input: { n: 1 } });
    const same = await t.call('POST', `${BASE}/instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(same.statusCode).toBe(409);
    expect(same.json().error).toBe('InstanceStateConflict');
  });
});

describe('status', () => {
  it('leaves historyEvents out for a Pending instance', async () => {
    const id = await startInstance(t, 'Hello', 'pending-history');
    const res = await t.call('GET', `${BASE}/instances/${id}?showHistory=true&showHistoryOutput=true`);
    expect(res.statusCode).toBe(202);
    expect(res.json()).not.toHaveProperty('historyEvents');
  });

  it('stores and shows the orchestrator name as the caller spelled it', async () => {
    const id = await startInstance(t, 'e1_hellosequence', 'caller-spelling');
    expect((await instanceRow(t.hub, id))?.Name).toBe('e1_hellosequence');
    expect((await t.call('GET', `${BASE}/instances/${id}`)).json().name).toBe('e1_hellosequence');
    const unknown = await t.call('POST', `${BASE}/orchestrators/NoSuchOrchestrator`);
    expect(unknown.statusCode).toBe(400);
  });

  it('renders rewound history rows with their event type fields only', async () => {
    const id = await startInstance(t, 'Hello', 'rewound-rows');
    await setInstanceState(t.store, id, 'Running');
    const executionId = (await instanceRow(t.hub, id))?.ExecutionId as string;
    const table = TableClient.fromConnectionString(azuriteConnectionString(), `${t.hub}History`, { allowInsecureConnection: true });
    const row = (n: number, fields: Record<string, unknown>) => ({
      partitionKey: id,
      rowKey: n.toString(16).toUpperCase().padStart(16, '0'),
      ExecutionId: executionId,
      _Timestamp: new Date(),
      IsPlayed: false,
      ...fields,
    });
    await table.createEntity(row(0, { EventType: 'ExecutionStarted', EventId: -1, Name: 'Hello', Input: 'null' }));
    // What the provider's rewind leaves: the failure row retyped, its old columns still there.
    await table.createEntity(row(1, { EventType: 'GenericEvent', EventId: 0, Name: 'Flaky', Input: '1', Version: '' }));
    await table.createEntity(
      row(2, { EventType: 'GenericEvent', EventId: -1, TaskScheduledId: 0, Reason: 'Rewound: TaskFailed', Details: 'boom', Result: '"x"' }),
    );
    const res = await t.call('GET', `${BASE}/instances/${id}?showHistory=true&showHistoryOutput=false`);
    const events = res.json().historyEvents as Record<string, unknown>[];
    const generic = events.filter((e) => e.EventType === 'GenericEvent');
    expect(generic).toHaveLength(2);
    for (const event of generic) expect(Object.keys(event).sort()).toEqual(['EventType', 'Timestamp']);
  });
});

describe('a stored status this server does not know', () => {
  it('reads as Unknown: the status route answers 500 with the status object; list, counts and wait still answer', async () => {
    const id = await startInstance(t, 'Hello', 'foreign-status');
    // Storage fixture, not progress: the row as a newer provider might write it, with a status
    // name that is none of the eight this server knows.
    const table = TableClient.fromConnectionString(azuriteConnectionString(), `${t.hub}Instances`, { allowInsecureConnection: true });
    await table.updateEntity({ partitionKey: id, rowKey: '', RuntimeStatus: 'Quarantined' }, 'Merge');

    const status = await t.call('GET', `${BASE}/instances/${id}`);
    expect(status.statusCode).toBe(500);
    expect(status.headers.location).toBeUndefined();
    expect(status.headers['retry-after']).toBeUndefined();
    expect(status.json()).toMatchObject({ instanceId: id, name: 'Hello', runtimeStatus: 'Unknown' });

    const list = await t.call('GET', `${BASE}/instances?instanceIdPrefix=foreign-status`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([expect.objectContaining({ instanceId: id, runtimeStatus: 'Unknown' })]);

    const counts = await t.call('GET', `${BASE}/instances/counts?instanceIdPrefix=foreign-status`);
    expect(counts.statusCode).toBe(200);
    expect(counts.json().total).toBe(0);

    // Not finished as far as a waiter can tell: the wait ends at its timeout with the check-status payload.
    const wait = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=0.2&retryInterval=0.1`);
    expect(wait.statusCode).toBe(202);
    expect(wait.json().id).toBe(id);
    expect(t.logs()).toContain('stored runtime status is not one this server knows');
  });
});

describe('purge by filter', () => {
  it('drops non-terminal statuses from the list and purges the rest; only non-terminal ones is 400', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const done = await startInstance(t, 'Hello', 'purge-mixed-done');
    await setInstanceState(t.store, done, 'Completed', { output: '1' });
    const running = await startInstance(t, 'Hello', 'purge-mixed-running');
    await setInstanceState(t.store, running, 'Running');
    const onlyRunning = await t.call('DELETE', `${BASE}/instances?createdTimeFrom=${from}&runtimeStatus=Running,Pending`);
    expect(onlyRunning.statusCode).toBe(400);
    const res = await t.call('DELETE', `${BASE}/instances?createdTimeFrom=${from}&runtimeStatus=Running,Completed`);
    expect(res.statusCode).toBe(200);
    expect(res.json().instancesDeleted).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', `${BASE}/instances/${done}`)).statusCode).toBe(404);
    expect((await t.call('GET', `${BASE}/instances/${running}`)).statusCode).toBe(202);
  });
});
