// Entities run by the worker: signals through HTTP applied exactly once and in order, failures of
// one operation, deletion, signals between entities, scheduled signals, and a .NET-written state.
import { EntityId, type EntityContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalEntity } from '../../src/services/entities.js';
import { Registry } from '../../src/worker/index.js';
import { BASE, KEY, startHarness, type Harness } from './harness.js';

function testRegistry(): Registry {
  const registry = new Registry();
  registry.entity('Counter', (context: EntityContext<unknown>) => {
    const value = (context.df.getState(() => 0) as number) ?? 0;
    switch (context.df.operationName) {
      case 'add':
        context.df.setState(value + context.df.getInput<number>()!);
        break;
      case 'fail':
        throw new Error('this operation fails');
      case 'get':
        context.df.return(value);
        break;
      case 'forward': {
        const target = context.df.getInput<string>()!;
        context.df.signalEntity(new EntityId('counter', target), 'add', value);
        break;
      }
      case 'reset':
        context.df.destructOnExit();
        break;
    }
  });
  registry.entity('Log', (context: EntityContext<unknown>) => {
    const entries = (context.df.getState(() => []) as string[]) ?? [];
    context.df.setState([...entries, `${context.df.operationName}:${JSON.stringify(context.df.getInput() ?? null)}`]);
  });
  return registry;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ registry: testRegistry() });
});
afterAll(async () => h?.close());

const signal = (name: string, key: string, op: string, body?: unknown) => {
  const req = h.http().post(`${BASE}/entities/${name}/${encodeURIComponent(key)}?op=${op}&code=${KEY}`);
  return body === undefined ? req : req.set('content-type', 'application/json').send(JSON.stringify(body));
};

async function stateOf(name: string, key: string): Promise<{ status: number; body: unknown }> {
  const res = await h.http().get(`${BASE}/entities/${name}/${encodeURIComponent(key)}?code=${KEY}`);
  return { status: res.status, body: res.body as unknown };
}

async function until(name: string, key: string, done: (r: { status: number; body: unknown }) => boolean, timeoutInMs = 100_000) {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const r = await stateOf(name, key);
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`timed out: ${name}/${key} is ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('entities in the worker', () => {
  it('applies 100 concurrent signals exactly once', { timeout: 150_000 }, async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, () => signal('Counter', 'many', 'add', 1)));
    expect(responses.every((r) => r.status === 202)).toBe(true);
    const final = await until('counter', 'many', (r) => r.status === 200 && (r.body as number) >= 100);
    expect(final.body).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await stateOf('counter', 'many')).body).toBe(100);
    const row = await h.store.getInstance('@counter@many');
    expect(row).toMatchObject({ name: '@counter@many', runtimeStatus: 'Running', customStatus: '{"entityExists":true}' });
    expect(JSON.parse(row!.input!)).toMatchObject({ exists: true, state: '100', sorter: {} });
  });

  it('keeps the order of signals from one client and survives a failing operation', async () => {
    for (const [op, body] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      expect((await signal('Log', 'order', op, body)).status).toBe(202);
    await until('log', 'order', (r) => r.status === 200 && (r.body as string[]).length === 3);
    expect((await stateOf('log', 'order')).body).toEqual(['a:1', 'b:2', 'c:3']);

    await signal('Counter', 'mixed', 'add', 5);
    await signal('Counter', 'mixed', 'fail');
    await signal('Counter', 'mixed', 'add', 2);
    expect((await until('counter', 'mixed', (r) => r.body === 7)).body).toBe(7);
  });

  it('deletes on DELETE (the function has no case for it) and on destructOnExit', async () => {
    await signal('Counter', 'doomed', 'add', 3);
    await until('counter', 'doomed', (r) => r.body === 3);
    expect((await h.http().delete(`${BASE}/entities/counter/doomed?code=${KEY}`)).status).toBe(202);
    await until('counter', 'doomed', (r) => r.status === 404);
    const row = await h.store.getInstance('@counter@doomed');
    expect(row?.customStatus).toBe('{}');

    await signal('Counter', 'reset', 'add', 3);
    await until('counter', 'reset', (r) => r.body === 3);
    await signal('Counter', 'reset', 'reset');
    await until('counter', 'reset', (r) => r.status === 404);
    const list = await h.http().get(`${BASE}/entities/counter?code=${KEY}`);
    const keys = (list.body as { entityId: { key: string } }[]).map((e) => e.entityId.key);
    expect(keys).not.toContain('doomed');
    expect(keys).not.toContain('reset');
  });

  it('delivers signals an entity sends to another entity', async () => {
    await signal('Counter', 'source', 'add', 4);
    await signal('Counter', 'source', 'forward', 'target');
    expect((await until('counter', 'target', (r) => r.status === 200)).body).toBe(4);
  });

  it('stores the longest key a table key holds, and refuses one character more before anything is queued', async () => {
    // `@counter@` + key, escaped (each ^ is written twice), must fit the provider's 512-character table key.
    const longest = `^${'k'.repeat(512 - '@counter@'.length - 2)}`;
    expect((await signal('Counter', longest, 'add', 5)).status).toBe(202);
    expect((await until('counter', longest, (r) => r.status === 200)).body).toBe(5);
    const tooLong = await signal('Counter', `${longest}k`, 'add', 5);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: 'BadRequest', message: expect.stringContaining('513') });
    expect((await stateOf('counter', `${longest}k`)).status).toBe(404);
  });

  it('holds scheduled signals until their time', async () => {
    const at = new Date(Date.now() + 2500);
    await signalEntity(h.store, { name: 'counter', key: 'later' }, { operation: 'add', input: 9, scheduledTime: at });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await stateOf('counter', 'later')).status).toBe(404);
    await until('counter', 'later', (r) => r.body === 9);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime() - 100);
  });

  it('continues from a state a .NET app wrote (native form, no `exists`)', async () => {
    await h.store.instances.update({
      instanceId: '@counter@dotnet',
      executionId: 'e0',
      name: '@counter@dotnet',
      version: '',
      runtimeStatus: 'Running',
      input: '{"state":"40","sorter":{}}',
      customStatus: '{"entityExists":true}',
      lastUpdatedTime: new Date(),
      createdTime: new Date(),
    });
    await h.store.history.checkpoint({
      instanceId: '@counter@dotnet',
      executionId: 'e0',
      existingCount: 0,
      newEvents: [
        { EventType: 'OrchestratorStarted', EventId: -1, Timestamp: new Date().toISOString() },
        {
          EventType: 'ExecutionStarted',
          EventId: -1,
          Timestamp: new Date().toISOString(),
          Name: '@counter@dotnet',
          Version: '',
          Input: '{"state":"40","sorter":{}}',
          OrchestrationInstance: { InstanceId: '@counter@dotnet', ExecutionId: 'e0' },
        },
        { EventType: 'OrchestratorCompleted', EventId: -1, Timestamp: new Date().toISOString() },
      ],
    });
    await signal('Counter', 'dotnet', 'add', 2);
    expect((await until('counter', 'dotnet', (r) => r.body === 42)).body).toBe(42);
  });
});
