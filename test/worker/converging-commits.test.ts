// Episode commits converge: whichever step of a checkpoint fails (history, status row, outgoing
// messages, message deletion), later attempts bring the status row in line with the history and
// no message is lost or applied twice. Faults are real: connection resets from a proxy in front of
// Azurite's table and queue endpoints.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.js';
import { azuriteConnectionString } from '../helpers/hub.js';

let t: TestApp;
let tables: FaultProxy;
let queues: FaultProxy;

const portOf = (connectionString: string, endpoint: string) =>
  Number(new RegExp(`${endpoint}=http://[^:]+:(\\d+)/`).exec(connectionString)?.[1]);

beforeAll(async () => {
  const direct = azuriteConnectionString();
  tables = await startFaultProxy('127.0.0.1', portOf(direct, 'TableEndpoint'));
  queues = await startFaultProxy('127.0.0.1', portOf(direct, 'QueueEndpoint'));
  t = await startTestApp({ hubPrefix: 'conv', env: { AzureWebJobsStorage: queues.route(tables.route(direct)) }, worker: true });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await tables?.close();
  await queues?.close();
});

const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];
const isWrite = (method: string) => method === 'PUT' || method === 'PATCH' || method === 'MERGE' || method === 'POST';

/** Starts the sample sequence with `rule` armed and checks it finished exactly once, row included. */
async function survives(
  proxy: FaultProxy,
  rule: Omit<FaultRule, 'matches'> & { matches: (method: string, path: string, body: string) => boolean },
) {
  const failedBefore = proxy.failed().length;
  proxy.arm(rule);
  const id = `conv-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  expect((await t.call('POST', `${BASE}/orchestrators/E1_HelloSequence/${id}`)).statusCode).toBe(202);
  const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', 'showHistory=true&showHistoryOutput=true', 90_000);
  expect(proxy.failed().length - failedBefore).toBeGreaterThan(0);
  expect(done.output).toEqual(HELLO);
  const history = done.historyEvents as { EventType: string; Result?: unknown }[];
  expect(history.filter((e) => e.EventType === 'ExecutionCompleted')).toHaveLength(1);
  expect(history.filter((e) => e.EventType === 'TaskCompleted')).toHaveLength(3);
  // A second start with the same id is allowed once it is really finished (the row says so).
  expect((await t.call('POST', `${BASE}/orchestrators/E1_HelloSequence/${id}`)).statusCode).toBe(202);
  await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 90_000);
}

describe('converging episode commits', () => {
  it('repairs the status row when its final write fails after the history was saved', { timeout: 180_000 }, async () => {
    await survives(tables, {
      when: 'before',
      times: 3,
      matches: (method, path, body) => isWrite(method) && path.includes('Instances(') && body.includes('"RuntimeStatus":"Completed"'),
    });
  });

  it('repairs the status row when its final write was applied but the answer was lost', { timeout: 180_000 }, async () => {
    await survives(tables, {
      when: 'after',
      times: 2,
      matches: (method, path, body) => isWrite(method) && path.includes('Instances(') && body.includes('"RuntimeStatus":"Completed"'),
    });
  });

  it('recovers when the history write fails', { timeout: 180_000 }, async () => {
    await survives(tables, {
      when: 'before',
      times: 2,
      matches: (method, path, body) => isWrite(method) && /History|\$batch/.test(path) && body.includes('TaskCompleted'),
    });
  });

  it('recovers when outgoing messages fail to send', { timeout: 180_000 }, async () => {
    await survives(queues, {
      when: 'before',
      times: 2,
      matches: (method, path, body) => method === 'POST' && path.includes('-workitems/messages') && body.includes('TaskScheduled'),
    });
  });

  it('recovers when processed messages fail to delete (they come back and apply once)', { timeout: 180_000 }, async () => {
    await survives(queues, {
      when: 'after',
      times: 3,
      matches: (method, path) => method === 'DELETE' && /-control-\d+\/messages\//.test(path),
    });
  });
});
