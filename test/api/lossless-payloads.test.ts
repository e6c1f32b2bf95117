// Payloads are the caller's JSON text, end to end: stored, queued and returned exactly as sent
// (no number rounded, 1.0 stays 1.0). History rows here are written with the SDK, as a .NET
// Durable Functions app would have written them.

import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../helpers/hub.js';
import { BASE, createTestApp, setInstanceState, startInstance, type TestApp } from './helpers.js';
import { instanceRow, peekControlMessages } from './storage-peek.js';

const BIG = '12345678901234567890';
const INPUT = `{"big":${BIG},"ratio":1.0,"tiny":1e-7,"text":"caf\\u00e9"}`;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function queuedInput(instanceId: string, eventType: string): Promise<unknown> {
  const messages = await peekControlMessages(t.hub);
  const message = messages.find((m) => {
    const task = m.json.TaskMessage as { OrchestrationInstance: { InstanceId: string }; Event: { EventType: unknown } };
    return (
      task.OrchestrationInstance.InstanceId === instanceId &&
      (task.Event.EventType === eventType || task.Event.EventType === EVENT_TYPE_NUMBERS[eventType])
    );
  });
  return (message?.json.TaskMessage as { Event: { Input?: unknown } } | undefined)?.Event.Input;
}
// The provider writes event types as .NET enum numbers.
const EVENT_TYPE_NUMBERS: Record<string, number> = { ExecutionStarted: 0, EventRaised: 15 };

describe('lossless payloads', () => {
  it('stores, queues and returns a start input exactly as sent', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-start', INPUT);
    expect((await instanceRow(t.hub, id))?.Input).toBe(INPUT);
    expect(await queuedInput(id, 'ExecutionStarted')).toBe(INPUT);
    const res = await t.call('GET', `${BASE}/instances/${id}`);
    expect(res.body).toContain(`"input":${INPUT},`);
    const listed = await t.call('GET', `${BASE}/instances?instanceIdPrefix=lossless-start`);
    expect(listed.body).toContain(`"input":${INPUT},`);
  });

  it('keeps a bare big number or 1.0 as the whole input, and trims only surrounding blanks', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-bare', `  ${BIG}\n`);
    expect((await t.call('GET', `${BASE}/instances/${id}`)).body).toContain(`"input":${BIG},`);
    const one = await startInstance(t, 'Hello', 'lossless-one', '1.0');
    expect((await t.call('GET', `${BASE}/instances/${one}`)).body).toContain('"input":1.0,');
  });

  it('queues event data exactly as sent', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-event');
    const data = `[${BIG}, 1.0]`;
    const res = await t.call('POST', `${BASE}/instances/${id}/raiseEvent/Approval`, {
      body: data,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(202);
    expect(await queuedInput(id, 'EventRaised')).toBe(data);
  });

  it('queues the event data of a batch raiseEvent exactly as sent', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-batch-event');
    const data = `[${BIG}, 1.0, {"ratio":2.50}]`;
    const body = `{"operation":"raiseEvent","instanceIds":["${id}"],"eventName":"Approval","eventData":${data}}`;
    const res = await t.call('POST', `${BASE}/instances/batch`, { body, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(202);
    let progress = res.json() as { id: string; state: string; done: number };
    for (let i = 0; i < 200 && progress.state === 'Running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      progress = (await t.call('GET', `${BASE}/batches/${progress.id}`)).json();
    }
    expect(progress).toMatchObject({ state: 'Completed', done: 1 });
    expect(await queuedInput(id, 'EventRaised')).toBe(data);
  });

  it('returns stored outputs and custom status as written, and the raw output from wait', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-output');
    await setInstanceState(t.store, id, 'Completed', { output: `{"total":${BIG},"avg":2.50}`, customStatus: '1.0' });
    const res = await t.call('GET', `${BASE}/instances/${id}`);
    expect(res.body).toContain(`"customStatus":1.0,"output":{"total":${BIG},"avg":2.50},`);
    const waited = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=1`);
    expect(waited.statusCode).toBe(200);
    expect(waited.body).toBe(`{"total":${BIG},"avg":2.50}`);
  });

  it('shows activity results in historyEvents exactly as stored', async () => {
    const id = await startInstance(t, 'Hello', 'lossless-history', INPUT);
    await setInstanceState(t.store, id, 'Running');
    const table = TableClient.fromConnectionString(azuriteConnectionString(), `${t.hub}History`, { allowInsecureConnection: true });
    const executionId = (await instanceRow(t.hub, id))?.ExecutionId as string;
    const row = (n: number, fields: Record<string, unknown>) => ({
      partitionKey: id,
      rowKey: n.toString(16).toUpperCase().padStart(16, '0'),
      ExecutionId: executionId,
      _Timestamp: new Date(),
      IsPlayed: false,
      ...fields,
    });
    await table.createEntity(row(0, { EventType: 'ExecutionStarted', EventId: -1, Name: 'Hello', Input: INPUT }));
    await table.createEntity(row(1, { EventType: 'TaskScheduled', EventId: 0, Name: 'Sum', Input: `[${BIG}]` }));
    await table.createEntity(row(2, { EventType: 'TaskCompleted', EventId: -1, TaskScheduledId: 0, Result: `${BIG}.0` }));
    const res = await t.call('GET', `${BASE}/instances/${id}?showHistory=true&showHistoryOutput=true`);
    expect(res.statusCode).toBe(202);
    expect(res.body).toContain(`"Result":${BIG}.0`);
    expect(res.body).toContain(`"input":${INPUT},`);
  });

  it('answers 400 InvalidJson for a body that is not JSON, storing nothing', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/lossless-bad`, { body: '{"a":1.}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('InvalidJson');
    expect(await instanceRow(t.hub, 'lossless-bad')).toBeUndefined();
  });
});
