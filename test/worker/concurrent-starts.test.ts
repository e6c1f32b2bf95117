// Starts are atomic per instance id: of many concurrent starts (or restarts in place) of one id
// exactly one is accepted, the others get 409, and the accepted caller's input is the one that runs.

import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/index.js';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';

const CALLERS = 60;
let t: TestApp;

beforeAll(async () => {
  const registry = new Registry();
  registry.orchestration('Echo', function* (context: OrchestrationContext) {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 200));
    return context.df.getInput();
  });
  t = await startTestApp({ hubPrefix: 'race', worker: { registry } });
}, 120_000);
afterAll(async () => t?.close());

async function race(url: (caller: number) => string, body: (caller: number) => string | undefined) {
  const answers = await Promise.all(
    Array.from({ length: CALLERS }, (_, caller) =>
      t.call('POST', url(caller), { body: body(caller), headers: { 'content-type': 'application/json' } }).then((res) => ({ caller, res })),
    ),
  );
  const accepted = answers.filter((a) => a.res.statusCode === 202);
  const refused = answers.filter((a) => a.res.statusCode === 409);
  return { accepted, refused, others: answers.filter((a) => a.res.statusCode !== 202 && a.res.statusCode !== 409) };
}

describe('concurrent starts of one instance id', () => {
  it('accept exactly one; the others get 409 and the winner’s input runs', { timeout: 120_000 }, async () => {
    const id = `race-${Date.now()}`;
    const { accepted, refused, others } = await race(
      () => `${BASE}/orchestrators/Echo/${id}`,
      (caller) => JSON.stringify({ caller }),
    );
    expect(others.map((o) => `${o.res.statusCode} ${o.res.body}`)).toEqual([]);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(CALLERS - 1);
    for (const r of refused) expect(r.res.json()).toMatchObject({ error: 'InstanceStateConflict' });
    const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 60_000);
    expect(done.output).toEqual({ caller: accepted[0].caller });
    expect(done.input).toEqual({ caller: accepted[0].caller });
  });

  it('restart in place: exactly one of many concurrent restarts wins, and it runs once more', { timeout: 120_000 }, async () => {
    const id = `restart-${Date.now()}`;
    expect(
      (await t.call('POST', `${BASE}/orchestrators/Echo/${id}`, { body: '"first"', headers: { 'content-type': 'application/json' } }))
        .statusCode,
    ).toBe(202);
    await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 60_000);
    const { accepted, refused, others } = await race(
      () => `${BASE}/instances/${id}/restart?restartWithNewInstanceId=false`,
      () => undefined,
    );
    expect(others.map((o) => `${o.res.statusCode} ${o.res.body}`)).toEqual([]);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(CALLERS - 1);
    const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', 'showHistory=true', 60_000);
    expect(done.output).toBe('first');
    const history = done.historyEvents as { EventType: string }[];
    expect(history.filter((e) => e.EventType === 'ExecutionStarted')).toHaveLength(1);
  });
});
