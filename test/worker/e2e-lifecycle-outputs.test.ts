// What the Instances row's output holds through suspend, resume and terminate, as the Azure
// Storage provider writes it: the latest reason, and null when no reason was given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, pollStatus, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function startWaiting(): Promise<string> {
  const res = await h.call('POST', `${BASE}/orchestrators/HumanApproval`, {
    body: '{"timeoutSeconds":600}',
    headers: { 'content-type': 'application/json' },
  });
  expect(res.statusCode).toBe(202);
  const id = res.json<{ id: string }>().id;
  await pollStatus(h, id, (s) => JSON.stringify(s.historyEvents ?? []).includes('TimerCreated'), 'showHistory=true');
  return id;
}

describe('lifecycle outputs', () => {
  it('holds the suspend reason while suspended and the resume reason after resume', async () => {
    const id = await startWaiting();
    expect((await h.call('POST', `${BASE}/instances/${id}/suspend?reason=hold`)).statusCode).toBe(202);
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Suspended')).toMatchObject({ output: 'hold' });
    expect((await h.call('POST', `${BASE}/instances/${id}/resume?reason=go%20on`)).statusCode).toBe(202);
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Running')).toMatchObject({ output: 'go on' });
    await h.call('POST', `${BASE}/instances/${id}/terminate?reason=cleanup`);
  });

  it('stores null as the output of a termination without a reason', async () => {
    const id = await startWaiting();
    expect((await h.call('POST', `${BASE}/instances/${id}/terminate`)).statusCode).toBe(202);
    const status = await pollStatus(h, id, (s) => s.runtimeStatus === 'Terminated');
    expect(status.output).toBeNull();
  });
});
