// A start enqueues its message first and writes the Instances row after it, so a worker can see the
// message before the row exists and waits for it. Here the row write is held on its way to storage
// (a stalled link, a busy account) for longer than a handful of quick retries last: the start must
// still run once the row lands, not be dropped and leave the instance Pending for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { azuriteConnectionString, azuritePorts } from '../helpers/hub.js';

const ROW_HELD_IN_MS = 15_000;

let tables: FaultProxy;
let t: TestApp;
beforeAll(async () => {
  tables = await startFaultProxy('127.0.0.1', azuritePorts().table);
  t = await startTestApp({
    hubPrefix: 'late',
    // The held write must not time out in the client: it is late, not lost.
    env: { AzureWebJobsStorage: tables.route(azuriteConnectionString()), TASKHUB_STORAGE_TRY_TIMEOUT_MS: '60000' },
    worker: true,
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await tables?.close();
});

describe('a start whose Instances row is written late', () => {
  it('runs once the row lands, however long the worker waited for it', { timeout: 120_000 }, async () => {
    const id = 'late-row-1';
    tables.arm({
      matches: (method, path, body) => method !== 'GET' && path.includes(`${t.hub}Instances`) && (path + body).includes(id),
      times: 1,
      when: 'delay',
      delayInMs: ROW_HELD_IN_MS,
    });
    const started = Date.now();
    const res = await t.call('POST', `${BASE}/orchestrators/E1_HelloSequence/${id}`);
    expect(res.statusCode).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ROW_HELD_IN_MS - 1000);
    expect(tables.failed()).toHaveLength(1);
    const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 60_000);
    expect(done.output).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });
});
