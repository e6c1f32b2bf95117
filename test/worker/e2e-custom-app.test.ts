// User code: an app module, sub-orchestrations, activity retries, unsupported features, and
// in-process waits woken by the worker's checkpoint.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppModule, Registry } from '../../src/worker/registry.js';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';

type Gen = Generator<unknown, unknown, unknown>;
const attempts = new Map<string, number>();

async function buildRegistry(): Promise<Registry> {
  const registry = new Registry();
  await loadAppModule('test/worker/fixtures/app-module.ts', registry);
  registry.activity('FailTwice', (key) => {
    const n = (attempts.get(String(key)) ?? 0) + 1;
    attempts.set(String(key), n);
    if (n < 3) throw new Error(`attempt ${n} failed`);
    return `succeeded on attempt ${n}`;
  });
  registry.orchestration('Retrying', function* (context: OrchestrationContext): Gen {
    return yield context.df.callActivityWithRetry('FailTwice', new df.RetryOptions(100, 3), context.df.instanceId);
  });
  registry.orchestration('Parent', function* (context: OrchestrationContext): Gen {
    const a = yield context.df.callSubOrchestrator('DoubleIt', 4);
    const b = yield context.df.callSubOrchestrator('DoubleIt', 5, `${context.df.instanceId}-child`);
    return [a, b];
  });
  registry.orchestration('ParentOfFailure', function* (context: OrchestrationContext): Gen {
    try {
      yield context.df.callSubOrchestrator('Throws');
    } catch (error) {
      return `caught: ${(error as Error).message}`;
    }
  });
  registry.orchestration('Throws', function* (): Gen {
    throw new Error('child exploded');
  });
  registry.orchestration('UsesHttp', function* (context: OrchestrationContext): Gen {
    return yield context.df.callHttp({ method: 'GET', url: 'http://127.0.0.1:9/' });
  });
  return registry;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ registry: await buildRegistry() });
});
afterAll(async () => {
  await h?.close();
});

async function start(name: string, input?: unknown): Promise<string> {
  const req = h.http().post(`${BASE}/orchestrators/${name}?code=${KEY}`);
  const res = input === undefined ? await req : await req.set('Content-Type', 'application/json').send(JSON.stringify(input));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe('user code', () => {
  it('runs orchestrations from an app module', async () => {
    const id = await start('DoubleIt', 21);
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 42 });
  });

  it('retries a failing activity with callActivityWithRetry', async () => {
    const id = await start('Retrying');
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: 'succeeded on attempt 3' });
  });

  it('runs sub-orchestrations (generated and given ids) and propagates their failures', async () => {
    const id = await start('Parent');
    expect(await pollStatus(h, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: [8, 10] });
    expect(await pollStatus(h, `${id}-child`, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ name: 'DoubleIt', output: 10 });

    const failing = await start('ParentOfFailure');
    const status = await pollStatus(h, failing, (s) => s.runtimeStatus === 'Completed');
    expect(String(status.output)).toContain('child exploded');
  });

  it('fails orchestrations that use durable HTTP with a clear message', async () => {
    const id = await start('UsesHttp');
    const status = await pollStatus(h, id, (s) => s.runtimeStatus === 'Failed');
    expect(String(status.output)).toMatch(/does not support callHttp/);
  });

  it('wakes an in-process wait from the worker checkpoint, not a polling tick', async () => {
    // With retryInterval 19 s only the checkpoint notification can answer this fast (no re-poll before 19 s).
    const res = await h
      .http()
      .post(`/orchestrators/DoubleIt/wait?timeout=20&retryInterval=19&code=${KEY}`)
      .set('Content-Type', 'application/json')
      .send('3');
    expect(res.status).toBe(200);
    expect(res.body).toBe(6);
  });
});
