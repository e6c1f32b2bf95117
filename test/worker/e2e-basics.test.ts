// End to end through the HTTP API with the in-process worker: start, wait, output, history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const HELLO = ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'];

describe('worker end to end', () => {
  it('runs E1_HelloSequence: start → Running/Pending → Completed with the output', async () => {
    const start = await h.http().post(`${BASE}/orchestrators/E1_HelloSequence?code=${KEY}`);
    expect(start.status).toBe(202);
    const id = start.body.id as string;
    const done = await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed');
    expect(done).toMatchObject({ name: 'E1_HelloSequence', runtimeStatus: 'Completed', output: HELLO });
  });

  it('runs an orchestrator started in another letter case, keeping the name as the caller spelled it', async () => {
    const start = await h.http().post(`${BASE}/orchestrators/e1_hellosequence?code=${KEY}`);
    expect(start.status).toBe(202);
    const done = await pollStatus(h, start.body.id as string, (s) => s.runtimeStatus === 'Completed');
    expect(done).toMatchObject({ name: 'e1_hellosequence', runtimeStatus: 'Completed', output: HELLO });
  });

  it('answers the docs exchange: POST /orchestrators/E1_HelloSequence/wait → 200 with the output', async () => {
    const res = await h.http().post(`/orchestrators/E1_HelloSequence/wait?timeout=20&retryInterval=0.5&code=${KEY}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(HELLO);
  });
});
