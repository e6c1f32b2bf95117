// Management operations against running orchestrations (HTTP API + in-process worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const q = `code=${KEY}`;
async function start(name: string, input?: unknown, instanceId?: string): Promise<string> {
  const path = `${BASE}/orchestrators/${name}${instanceId ? `/${encodeURIComponent(instanceId)}` : ''}?${q}`;
  const res =
    input === undefined
      ? await h.http().post(path)
      : await h.http().post(path).set('Content-Type', 'application/json').send(JSON.stringify(input));
  expect(res.status).toBe(202);
  return res.body.id as string;
}
const post = (path: string, body?: unknown) => {
  const req = h.http().post(`${BASE}${path}${path.includes('?') ? '&' : '?'}${q}`);
  return body === undefined ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
};
/** Waits until the orchestration has durably started waiting (its TimerCreated is in history). */
const waiting = (id: string) =>
  pollStatus(
    h,
    id,
    (s) => s.runtimeStatus === 'Running' && JSON.stringify(s.historyEvents ?? []).includes('TimerCreated'),
    '&showHistory=true',
  );

describe('operations on running orchestrations', () => {
  it('wait with a short timeout answers 202 with the check-status payload, Location and Retry-After: 10', async () => {
    const res = await h.http().post(`/orchestrators/HumanApproval/wait?timeout=0.3&retryInterval=0.1&${q}`);
    expect(res.status).toBe(202);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers.location).toBe(res.body.statusQueryGetUri);
    expect(res.body.id).toMatch(/^[0-9a-f]{32}$/);
    await post(`/instances/${res.body.id}/terminate?reason=cleanup`).expect(202);
  });

  it('raises an event before the orchestration waits (buffered) and after it waits', async () => {
    const early = await start('HumanApproval', { timeoutSeconds: 600 });
    await post(`/instances/${early}/raiseEvent/Approval`, { approved: 'early' }).expect(202);
    expect(await pollStatus(h, early, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: { approved: 'early' } });

    const late = await start('HumanApproval', { timeoutSeconds: 600 });
    await waiting(late);
    await post(`/instances/${late}/raiseEvent/Approval`, 'late').expect(202);
    expect(await pollStatus(h, late, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 'late' });
  });

  it('times out through a durable timer', async () => {
    const id = await start('HumanApproval', { timeoutSeconds: 1 });
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 'timed out' });
  });

  it('terminates with a reason: Terminated, output = reason', async () => {
    const id = await start('HumanApproval');
    await waiting(id);
    await post(`/instances/${id}/terminate?reason=${encodeURIComponent('no longer needed')}`).expect(202);
    const status = await pollStatus(h, id, (s) => s.runtimeStatus === 'Terminated', '&showHistory=true');
    expect(status.output).toBe('no longer needed');
    const types = (status.historyEvents as { EventType: string }[]).map((e) => e.EventType);
    expect(types).toContain('ExecutionTerminated');
    await post(`/instances/${id}/raiseEvent/Approval`, 'too late').expect(410);
  });

  it('suspends (events are kept, not delivered) and resumes', async () => {
    const id = await start('HumanApproval');
    await waiting(id);
    await post(`/instances/${id}/suspend?reason=hold`).expect(202);
    await pollStatus(h, id, (s) => s.runtimeStatus === 'Suspended');
    await post(`/instances/${id}/raiseEvent/Approval`, 'while suspended').expect(202);
    // The event is stored while suspended, but the orchestrator does not run.
    await pollStatus(h, id, (s) => JSON.stringify(s.historyEvents).includes('EventRaised'), '&showHistory=true');
    expect((await pollStatus(h, id, () => true)).runtimeStatus).toBe('Suspended');
    await post(`/instances/${id}/resume?reason=go`).expect(202);
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 'while suspended' });
  });

  it('rewinds a failed FlakySequence to completion', async () => {
    const id = await start('FlakySequence');
    const failed = await pollStatus(h, id, (s) => s.runtimeStatus === 'Failed');
    expect(String(failed.output)).toContain('Simulated transient failure');
    await post(`/instances/${id}/rewind?reason=fixed`).expect(202);
    const done = await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed', '&showHistory=true&showHistoryOutput=true');
    expect(done.output).toEqual(['Hello Tokyo!', 'Recovered']);
  });

  it('shows custom status while running (Counter continues as new per Add)', async () => {
    const id = await start('Counter', 5);
    await pollStatus(h, id, (s) => s.runtimeStatus === 'Running' && s.customStatus === 5);
    await post(`/instances/${id}/raiseEvent/Add`, 3).expect(202);
    await pollStatus(h, id, (s) => s.customStatus === 8);
    await post(`/instances/${id}/raiseEvent/Add`, 1).expect(202);
    await post(`/instances/${id}/raiseEvent/Add`, 2).expect(202);
    const status = await pollStatus(h, id, (s) => s.customStatus === 11, '&showHistory=true');
    expect(status.runtimeStatus).toBe('Running');
    expect(status.input).toBe(11);
    await post(`/instances/${id}/terminate?reason=done`).expect(202);
  });

  it('fans out and in', async () => {
    const id = await start('FanOutFanIn', { count: 6 });
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 21 });
  });

  it('restarts with a new id, returns the real history and purges one and by filter', async () => {
    const from = new Date(Date.now() - 1000);
    const id = await start('E1_HelloSequence', undefined, 'restart me');
    await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed');
    const restarted = await post(`/instances/${encodeURIComponent(id)}/restart`).expect(202);
    const newId = restarted.body.id as string;
    expect(newId).not.toBe(id);
    const status = await pollStatus(h, newId, (s) => s.runtimeStatus === 'Completed', '&showHistory=true&showHistoryOutput=true');
    const history = status.historyEvents as Record<string, unknown>[];
    expect(history.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(history[1]).toMatchObject({ FunctionName: 'E1_SayHello', Result: 'Hello Tokyo!' });
    expect(history[4]).toMatchObject({ OrchestrationStatus: 'Completed', Result: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'] });

    const purged = await h.http().delete(`${BASE}/instances/${encodeURIComponent(id)}?${q}`);
    expect(purged.status).toBe(200);
    expect(purged.body).toEqual({ instancesDeleted: 1 });
    await h
      .http()
      .get(`${BASE}/instances/${encodeURIComponent(id)}?${q}`)
      .expect(404);

    const byFilter = await h.http().delete(`${BASE}/instances?createdTimeFrom=${from.toISOString()}&runtimeStatus=Completed&${q}`);
    expect(byFilter.status).toBe(200);
    expect(byFilter.body.instancesDeleted).toBeGreaterThanOrEqual(1);
    await h.http().get(`${BASE}/instances/${newId}?${q}`).expect(404);
  });
});
