// Orchestrations that call, signal and lock entities, run by the worker: responses routed back,
// failures surfacing in the caller, critical sections released at the end or on failure, and 50
// concurrent transfers that keep the total balance.
import { createRequire } from 'node:module';
import type * as DurableFunctions from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/index.js';
import { registerSamples } from '../../src/worker/samples.js';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';

const { EntityId } = createRequire(import.meta.url)('durable-functions') as typeof DurableFunctions;

function registry(): Registry {
  const r = new Registry();
  registerSamples(r);
  r.orchestration('CallAndSignal', function* (context: OrchestrationContext) {
    const account = new EntityId('Account', String(context.df.getInput()));
    context.df.signalEntity(account, 'deposit', 10);
    const balance = (yield context.df.callEntity(account, 'get')) as number;
    let failure = '';
    try {
      yield context.df.callEntity(account, 'withdraw', 1_000_000);
    } catch (error) {
      failure = (error as Error).message;
    }
    return { balance, failure };
  });
  r.orchestration('FailInSection', function* (context: OrchestrationContext) {
    yield context.df.lock(new EntityId('Account', String(context.df.getInput())));
    throw new Error('failing while holding the lock');
  });
  r.orchestration('SignalAndReturn', function* (context: OrchestrationContext) {
    context.df.signalEntity(new EntityId('Account', String(context.df.getInput())), 'deposit', 5);
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime()));
    context.df.signalEntity(new EntityId('Account', String(context.df.getInput())), 'deposit', 6);
    return 'sent';
  });
  r.orchestration('CallsHttp', function* (context: OrchestrationContext) {
    return yield context.df.callHttp({ method: 'GET', url: 'http://127.0.0.1:9/' });
  });
  return r;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ registry: registry() });
});
afterAll(async () => h?.close());

async function start(name: string, input: unknown): Promise<string> {
  const res = await h
    .http()
    .post(`${BASE}/orchestrators/${name}?code=${KEY}`)
    .set('content-type', 'application/json')
    .send(JSON.stringify(input));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const finished = (s: Record<string, unknown>) => ['Completed', 'Failed', 'Terminated'].includes(String(s.runtimeStatus));

async function balance(key: string): Promise<number> {
  const res = await h.http().get(`${BASE}/entities/account/${key}?code=${KEY}`);
  return res.status === 404 ? 0 : (res.body as number);
}

async function deposit(key: string, amount: number): Promise<void> {
  const res = await h
    .http()
    .post(`${BASE}/entities/Account/${key}?op=deposit&code=${KEY}`)
    .set('content-type', 'application/json')
    .send(String(amount));
  expect(res.status).toBe(202);
  const deadline = Date.now() + 20_000;
  while ((await balance(key)) < amount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function lockOf(key: string): Promise<string | undefined> {
  const row = await h.store.getInstance(`@account@${key}`);
  return (JSON.parse(row?.customStatus ?? '{}') as { lockedBy?: string }).lockedBy;
}

describe('orchestrations and entities', () => {
  it('transfers inside a critical section and releases both locks', async () => {
    await deposit('t1a', 100);
    const id = await start('Transfer', { from: 't1a', to: 't1b', amount: 30 });
    const done = await pollStatus(h, id, finished, '', 30_000);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: { transferred: true, amount: 30 } });
    expect([await balance('t1a'), await balance('t1b')]).toEqual([70, 30]);
    const deadline = Date.now() + 10_000;
    while (((await lockOf('t1a')) || (await lockOf('t1b'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect([await lockOf('t1a'), await lockOf('t1b')]).toEqual([undefined, undefined]);
  });

  it('routes call responses back, surfaces operation failures, sends signals', async () => {
    await deposit('cs', 5);
    const id = await start('CallAndSignal', 'cs');
    const done = await pollStatus(h, id, finished, '', 30_000);
    expect(done.runtimeStatus).toBe('Completed');
    const output = done.output as { balance: number; failure: string };
    expect(output.balance).toBe(15);
    expect(output.failure).toMatch(/Insufficient funds/);
    expect(await balance('cs')).toBe(15);
  });

  it('sends the signals of an orchestration that ends in the same episode', async () => {
    const id = await start('SignalAndReturn', 'sr');
    expect((await pollStatus(h, id, finished, '', 30_000)).runtimeStatus).toBe('Completed');
    const deadline = Date.now() + 10_000;
    while ((await balance('sr')) < 11 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await balance('sr')).toBe(11);
  });

  it('releases the lock of an orchestration that fails inside its critical section', async () => {
    await deposit('fail', 1);
    const id = await start('FailInSection', 'fail');
    const done = await pollStatus(h, id, finished, '', 30_000);
    expect(done.runtimeStatus).toBe('Failed');
    const deadline = Date.now() + 10_000;
    while ((await lockOf('fail')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await lockOf('fail')).toBeUndefined();
    // The account still takes operations.
    await deposit('fail', 2);
    expect(await balance('fail')).toBe(3);
  });

  it('fails orchestrations using what the worker cannot run, with a clear message', async () => {
    const id = await start('CallsHttp', null);
    const done = await pollStatus(h, id, finished, '', 30_000);
    expect(done.runtimeStatus).toBe('Failed');
    expect(String(done.output)).toMatch(/callHttp/);
  });

  it('keeps the total under 50 concurrent transfers over the same accounts', async () => {
    await deposit('inv-a', 500);
    await deposit('inv-b', 500);
    const ids = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        start('Transfer', i % 2 === 0 ? { from: 'inv-a', to: 'inv-b', amount: 7 } : { from: 'inv-b', to: 'inv-a', amount: 3 }),
      ),
    );
    const results = await Promise.all(ids.map((id) => pollStatus(h, id, finished, '', 400_000)));
    expect(results.every((r) => r.runtimeStatus === 'Completed' && (r.output as { transferred: boolean }).transferred)).toBe(true);
    expect((await balance('inv-a')) + (await balance('inv-b'))).toBe(1000);
    expect(await balance('inv-a')).toBe(500 - 25 * 7 + 25 * 3);
  }, 420_000);
});
