// Storage that accepts connections and never answers (Azurite frozen with SIGSTOP): the API answers
// 503 with Retry-After within seconds, /health within its own budget, and once storage resumes
// everything works again without a restart and no instance is left behind.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../src/storage/azure/azurite.js';
import { BASE, startTestApp, type TestApp } from '../helpers/app.js';

let azurite: RunningAzurite;
let t: TestApp;
let frozen = false;

beforeAll(async () => {
  azurite = await startAzurite();
  t = await startTestApp({
    hubPrefix: 'hung',
    env: { AzureWebJobsStorage: azurite.connectionString, TASKHUB_STORAGE_TRY_TIMEOUT_MS: '3000' },
    worker: true,
    captureLogs: true,
  });
}, 120_000);
afterAll(async () => {
  if (frozen) process.kill(azurite.pid, 'SIGCONT');
  await t?.close();
  await azurite?.stop();
});

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

async function startAndWait(): Promise<{ status: number; body: unknown }> {
  const res = await t.call('POST', `${BASE}/orchestrators/E1_HelloSequence?timeout=60`);
  return { status: res.statusCode, body: res.json() };
}

describe('hung storage', () => {
  it('answers 503 quickly while storage is frozen and recovers by itself when it resumes', { timeout: 180_000 }, async () => {
    const before = await startAndWait();
    expect(before.status).toBe(200);
    const id = (await t.call('GET', `${BASE}/instances?top=1`).then((res) => res.json() as { instanceId: string }[]))[0].instanceId;

    process.kill(azurite.pid, 'SIGSTOP');
    frozen = true;
    const [health, status, list, start, event] = await Promise.all([
      timed(t.call('GET', '/health', { noKey: true })),
      timed(t.call('GET', `${BASE}/instances/${id}`)),
      timed(t.call('GET', `${BASE}/instances`)),
      timed(t.call('POST', `${BASE}/orchestrators/E1_HelloSequence`)),
      timed(t.call('POST', `${BASE}/instances/${id}/raiseEvent/x`, { body: '1', headers: { 'content-type': 'application/json' } })),
    ]);
    expect(health.value.statusCode).toBe(503);
    expect(health.value.json()).toMatchObject({ storage: 'unreachable' });
    expect(health.ms).toBeLessThan(5000);
    for (const [name, answer] of Object.entries({ status, list, start, event })) {
      expect(answer.value.statusCode, name).toBe(503);
      expect(answer.value.headers['retry-after'], name).toMatch(/^\d+$/);
      expect(answer.value.json(), name).toMatchObject({ error: 'StorageUnavailable' });
      expect(answer.ms, name).toBeLessThan(12_000);
      expect(JSON.stringify(answer.value.json()), name).not.toContain('did not answer');
    }
    // The log says why (for the operator), which the bodies above do not.
    const failures = t
      .logs()
      .split('\n')
      .filter((line) => line.includes('"request failed"'));
    expect(failures.length).toBeGreaterThanOrEqual(4);
    // The table SDK's limit names itself; the queue and blob SDKs abort the attempt.
    for (const line of failures) expect(JSON.parse(line).err.detail).toMatch(/^(Storage did not answer within 3000 ms\.|AbortError)$/);

    process.kill(azurite.pid, 'SIGCONT');
    frozen = false;
    expect((await t.call('GET', '/health', { noKey: true })).statusCode).toBe(200);
    expect((await t.call('GET', `${BASE}/instances/${id}`)).statusCode).toBe(200);
    const after = await startAndWait();
    expect(after.status).toBe(200);
    expect(after.body).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);

    // Whatever was started around the outage finishes: nothing stays Pending or Running.
    const deadline = Date.now() + 60_000;
    let unfinished: unknown[] = [];
    do {
      const all = (await t.call('GET', `${BASE}/instances?showInput=false`)).json() as { runtimeStatus: string }[];
      unfinished = all.filter((i) => i.runtimeStatus !== 'Completed');
      if (unfinished.length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(unfinished).toEqual([]);
  });
});
