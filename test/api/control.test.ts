// raiseEvent, terminate, suspend, resume, rewind and restart: status codes and the messages sent.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';
import { instanceRow, peekControlMessages } from './storage-peek.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const json = { 'content-type': 'application/json' };

/** Client events (all but ExecutionStarted) that were sent to an instance, oldest first. */
async function sentEvents(instanceId: string): Promise<Record<string, unknown>[]> {
  const messages = await peekControlMessages(t.hub);
  return messages
    .map((m) => m.json.TaskMessage as { OrchestrationInstance: { InstanceId: string }; Event: Record<string, unknown> })
    .filter((m) => m.OrchestrationInstance.InstanceId === instanceId && m.Event.EventType !== 0)
    .map((m) => m.Event);
}

describe('POST /instances/{id}/raiseEvent/{name}', () => {
  it('answers 202 and sends an EventRaised message with the JSON data', async () => {
    const id = await startInstance(t, 'Approval', 'raise-ok');
    const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/Approved`, { body: '{"by":"ann"}', headers: json });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    const events = await sentEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ EventType: 15, Name: 'Approved', Input: '{"by":"ann"}', EventId: -1 });
  });

  it('accepts application/json with parameters in any case', async () => {
    const id = await startInstance(t, 'Approval', 'raise-charset');
    const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/E`, {
      body: 'true',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    });
    expect(res.statusCode).toBe(202);
  });

  it('answers 400 for a non-JSON content type, an empty body or invalid JSON', async () => {
    const id = await startInstance(t, 'Approval', 'raise-bad');
    const cases: [Record<string, string>, string | undefined, string][] = [
      [{ 'content-type': 'text/plain' }, '1', 'BadRequest'],
      [{}, '1', 'BadRequest'],
      [json, undefined, 'InvalidJson'],
      [json, '{oops', 'InvalidJson'],
    ];
    for (const [headers, body, code] of cases) {
      const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/E`, { headers, body });
      expect(res.statusCode, `${JSON.stringify(headers)} ${body}`).toBe(400);
      expect(res.json().error).toBe(code);
    }
    expect(await sentEvents(id)).toEqual([]);
  });

  it('answers 404 for an unknown instance and 410 for a finished one', async () => {
    expect((await t.call('POST', `${BASE}/instances/nobody/raiseEvent/E`, { body: '1', headers: json })).statusCode).toBe(404);
    const id = await startInstance(t, 'Approval', 'raise-gone');
    for (const status of ['Completed', 'Failed', 'Terminated', 'Canceled'] as const) {
      await setInstanceState(t.store, id, status);
      const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/E`, { body: '1', headers: json });
      expect(res.statusCode, status).toBe(410);
      expect(res.json().error).toBe('InstanceGone');
    }
  });
});

describe('terminate, suspend, resume', () => {
  it('accept empty JSON bodies and send the client events with the reason', async () => {
    const id = await startInstance(t, 'Long', 'control-ok');
    expect((await t.call('POST', `${BASE}/instances/${id}/suspend?reason=pause%20now`, { headers: json })).statusCode).toBe(202);
    await setInstanceState(t.store, id, 'Suspended');
    expect((await t.call('POST', `${BASE}/instances/${id}/resume?reason=go`, { headers: json, body: '' })).statusCode).toBe(202);
    expect((await t.call('POST', `${BASE}/instances/${id}/terminate?reason=no+longer+needed`, { headers: json })).statusCode).toBe(202);
    const events = await sentEvents(id);
    expect(events.map((e) => e.EventType)).toEqual([19, 20, 3]);
    expect(events[0]).toMatchObject({ Reason: 'pause now', EventId: -1 });
    expect(events[1]).toMatchObject({ Reason: 'go' });
    expect(events[2]).toMatchObject({ Input: 'no longer needed' });
  });

  it('answer 404 for unknown instances', async () => {
    for (const op of ['terminate', 'suspend', 'resume']) {
      const res = await t.call('POST', `${BASE}/instances/nobody/${op}`, { headers: json });
      expect(res.statusCode, op).toBe(404);
      expect(res.json().error).toBe('InstanceNotFound');
    }
  });

  it('answer 410 for finished instances', async () => {
    const id = await startInstance(t, 'Long', 'control-gone');
    await setInstanceState(t.store, id, 'Completed');
    for (const op of ['terminate', 'suspend', 'resume']) {
      expect((await t.call('POST', `${BASE}/instances/${id}/${op}`)).statusCode, op).toBe(410);
    }
  });

  it('answer 409 to suspend when suspended and to resume when not suspended', async () => {
    const id = await startInstance(t, 'Long', 'control-conflict');
    const resume = await t.call('POST', `${BASE}/instances/${id}/resume`);
    expect(resume.statusCode).toBe(409);
    expect(resume.json().error).toBe('InstanceStateConflict');
    await setInstanceState(t.store, id, 'Suspended');
    expect((await t.call('POST', `${BASE}/instances/${id}/suspend`)).statusCode).toBe(409);
    expect((await t.call('POST', `${BASE}/instances/${id}/terminate`)).statusCode).toBe(202);
  });
});

describe('POST /instances/{id}/rewind', () => {
  it('answers 404 unknown, 412 when not Failed, 202 for Failed (instance goes back to Pending)', async () => {
    expect((await t.call('POST', `${BASE}/instances/nobody/rewind`, { headers: json })).statusCode).toBe(404);
    const id = await startInstance(t, 'Flaky', 'rewind-me');
    for (const status of ['Pending', 'Running', 'Completed', 'Terminated'] as const) {
      if (status !== 'Pending') await setInstanceState(t.store, id, status);
      const res = await t.call('POST', `${BASE}/instances/${id}/rewind?reason=retry`, { headers: json });
      expect(res.statusCode, status).toBe(412);
      expect(res.json().error).toBe('InstanceNotFailed');
    }
    await setInstanceState(t.store, id, 'Failed', { output: 'boom' });
    expect((await t.call('POST', `${BASE}/instances/${id}/rewind?reason=retry`, { headers: json })).statusCode).toBe(202);
    expect((await instanceRow(t.hub, id))?.RuntimeStatus).toBe('Pending');
  });
});

describe('POST /instances/{id}/restart', () => {
  it('answers 404 unknown; an active instance restarts under a new id, and is 409 under its own', async () => {
    expect((await t.call('POST', `${BASE}/instances/nobody/restart`)).statusCode).toBe(404);
    const id = await startInstance(t, 'Again', 'restart-running');
    expect((await t.call('POST', `${BASE}/instances/${id}/restart`)).statusCode).toBe(202);
    const same = await t.call('POST', `${BASE}/instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(same.statusCode).toBe(409);
    expect(same.json().error).toBe('InstanceStateConflict');
  });

  it('starts a new instance with the same name, version and input', async () => {
    await t.call('POST', `${BASE}/orchestrators/Again/restart-src?version=3`, { body: '{"k":"v"}' });
    await setInstanceState(t.store, 'restart-src', 'Failed', { output: 'x' });
    const res = await t.call('POST', `${BASE}/instances/restart-src/restart`);
    expect(res.statusCode).toBe(202);
    const newId = res.json().id as string;
    expect(newId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.location).toBe(res.json().statusQueryGetUri);
    expect(res.headers['retry-after']).toBe('10');
    expect(await instanceRow(t.hub, newId)).toMatchObject({ Name: 'Again', Version: '3', Input: '{"k":"v"}', RuntimeStatus: 'Pending' });
  });

  it('reuses the id with restartWithNewInstanceId=false', async () => {
    const id = await startInstance(t, 'Again', 'restart-same', '[1]');
    await setInstanceState(t.store, id, 'Completed', { output: '2' });
    const before = (await instanceRow(t.hub, id))?.ExecutionId;
    const res = await t.call('POST', `${BASE}/instances/${id}/restart?restartWithNewInstanceId=false`);
    expect(res.statusCode).toBe(202);
    expect(res.json().id).toBe(id);
    const row = await instanceRow(t.hub, id);
    expect(row).toMatchObject({ RuntimeStatus: 'Pending', Input: '[1]' });
    expect(row?.ExecutionId).not.toBe(before);
  });

  it('validates a wait before restarting', async () => {
    const id = await startInstance(t, 'Again', 'restart-wait');
    await setInstanceState(t.store, id, 'Completed');
    expect((await t.call('POST', `${BASE}/instances/${id}/restart?timeout=1&pollingInterval=3`)).statusCode).toBe(400);
    expect((await instanceRow(t.hub, id))?.RuntimeStatus).toBe('Completed');
  });
});
