// The entity routes through HTTP against real storage: rows as the provider writes them (the
// .NET-shaped fixture), signals as the extension's messages, lists and the instance-list filter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/domain/entity-messages.js';
import { BASE, LEGACY, createTestApp, type TestApp } from './helpers.js';
import { peekControlMessages } from './storage-peek.js';

const fixtureRow = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/entities/instances-row.json'), 'utf8')) as Record<
  string,
  string
>;

async function writeEntityRow(t: TestApp, instanceId: string, input: string | null, customStatus: string, createdTime = new Date()) {
  await t.store.instances.update({
    instanceId,
    executionId: fixtureRow.ExecutionId,
    name: instanceId,
    version: '',
    runtimeStatus: 'Running',
    input,
    customStatus,
    createdTime,
    lastUpdatedTime: createdTime,
  });
}

interface Signal {
  instanceId: string;
  executionId: unknown;
  name: string;
  request: ReturnType<typeof parseRequest>;
}

async function signals(t: TestApp): Promise<Signal[]> {
  return (await peekControlMessages(t.hub)).map((m) => {
    const task = m.json.TaskMessage as {
      Event: Record<string, string>;
      OrchestrationInstance: { InstanceId: string; ExecutionId: unknown };
    };
    return {
      instanceId: task.OrchestrationInstance.InstanceId,
      executionId: task.OrchestrationInstance.ExecutionId,
      name: task.Event.Name,
      request: parseRequest(task.Event.Input),
    };
  });
}

describe('entity routes', () => {
  let t: TestApp;
  const old = new Date('2024-10-01T12:00:03Z');
  beforeAll(async () => {
    t = await createTestApp();
    await writeEntityRow(t, fixtureRow.PartitionKey, fixtureRow.Input, fixtureRow.CustomStatus, old);
    await writeEntityRow(t, '@counter@', '{"exists":true,"state":"{\\"n\\":1}","sorter":{}}', '{"entityExists":true}');
    await writeEntityRow(t, '@counter@gone', '{"sorter":{}}', '{}');
    await writeEntityRow(t, '@account@a', '{"state":"100","sorter":{}}', '{"entityExists":true}');
    await t.store.instances.update({
      instanceId: 'plain-1',
      executionId: 'e1',
      name: 'Hello',
      version: '',
      runtimeStatus: 'Completed',
      input: 'null',
      lastUpdatedTime: new Date(),
      createdTime: new Date(),
    });
  });
  afterAll(async () => t.close());

  it('reads a state the provider wrote, name in any letter case, under both prefixes', async () => {
    for (const url of [`${BASE}/entities/counter/one`, `${BASE}/entities/COUNTER/one`, `${LEGACY}/entities/counter/one`]) {
      const res = await t.call('GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.json()).toBe(17);
    }
    expect((await t.call('GET', `${BASE}/entities/account/a`)).json()).toBe(100);
    expect((await t.call('GET', `${BASE}/entities/counter/$`)).json()).toEqual({ n: 1 });
  });

  it('answers 404 JSON for entities that never existed or were deleted', async () => {
    for (const url of [`${BASE}/entities/counter/nope`, `${BASE}/entities/counter/gone`, `${BASE}/entities/other/one`]) {
      const res = await t.call('GET', url);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: 'EntityNotFound' });
    }
  });

  it('needs the system key', async () => {
    expect((await t.call('GET', `${BASE}/entities/counter/one`, { noKey: true })).statusCode).toBe(401);
    expect((await t.call('POST', `${BASE}/entities/counter/one?op=add`, { noKey: true })).statusCode).toBe(401);
  });

  it('signals with the extension message: JSON parsed, other bodies as strings, op defaulting to empty', async () => {
    const hub = await createTestApp();
    try {
      const post = (url: string, body?: string, type?: string) =>
        hub.call('POST', url, { body, headers: type ? { 'content-type': type } : {} });
      expect((await post(`${BASE}/entities/Counter/k1?op=add`, '{"by": 5}', 'application/json')).statusCode).toBe(202);
      expect((await post(`${BASE}/entities/counter/k1?op=note`, 'hello there', 'text/plain')).statusCode).toBe(202);
      expect((await post(`${BASE}/entities/counter/k1`)).statusCode).toBe(202);
      expect((await hub.call('DELETE', `${BASE}/entities/counter/k1`)).statusCode).toBe(202);
      expect((await post(`${BASE}/entities/counter/$?op=reset`)).statusCode).toBe(202);
      const bad = await post(`${BASE}/entities/counter/k1?op=add`, '{nope', 'application/json');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'InvalidJson' });
      expect((await post(`${BASE}/entities/counter/a%23b?op=add`)).statusCode).toBe(400);
      for (const method of ['POST', 'DELETE']) {
        const nameless = await hub.call(method, `${BASE}/entities`);
        expect([method, nameless.statusCode, nameless.json().error]).toEqual([method, 400, 'BadRequest']);
      }

      const sent = await signals(hub);
      expect(sent).toHaveLength(5);
      const byOp = new Map(sent.map((s) => [s.request.op, s]));
      expect(sent.every((s) => s.name === 'op' && s.request.signal && s.request.parent === null && s.executionId === null)).toBe(true);
      expect(byOp.get('add')).toMatchObject({ instanceId: '@counter@k1', request: { input: '{"by":5}' } });
      expect(byOp.get('note')?.request.input).toBe('"hello there"');
      expect(byOp.get('')?.request.input).toBeNull();
      expect(byOp.get('delete')?.instanceId).toBe('@counter@k1');
      expect(byOp.get('reset')?.instanceId).toBe('@counter@');
      expect(new Set(sent.map((s) => s.request.id)).size).toBe(5);
    } finally {
      await hub.close();
    }
  });

  it('lists existing entities with state on request, by name, paged with the continuation header', async () => {
    const all = await t.call('GET', `${BASE}/entities`);
    expect(all.statusCode).toBe(200);
    const ids = (all.json() as { entityId: { name: string; key: string } }[]).map((e) => `${e.entityId.name}/${e.entityId.key}`);
    expect(ids.sort()).toEqual(['account/a', 'counter/', 'counter/one']);
    expect(all.headers['x-ms-continuation-token']).toBe('');

    const named = await t.call('GET', `${BASE}/entities/Counter?fetchState=true`);
    expect(named.json()).toEqual(
      expect.arrayContaining([{ entityId: { name: 'counter', key: 'one' }, lastOperationTime: '2024-10-01T12:00:03Z', state: 17 }]),
    );
    expect(named.json()).toHaveLength(2);
    expect((await t.call('GET', `${BASE}/entities/counter`)).json()[0].state).toBeNull();

    const seen: string[] = [];
    let token = '';
    do {
      const res = await t.call('GET', `${BASE}/entities?top=1`, { headers: token ? { 'x-ms-continuation-token': token } : {} });
      expect(res.statusCode).toBe(200);
      seen.push(...(res.json() as { entityId: { key: string } }[]).map((e) => e.entityId.key));
      token = String(res.headers['x-ms-continuation-token'] ?? '');
    } while (token);
    expect(seen.sort()).toEqual(['', 'a', 'one']);

    const recent = await t.call('GET', `${BASE}/entities?lastOperationTimeFrom=2025-01-01T00:00:00Z`);
    expect((recent.json() as unknown[]).length).toBe(2);
    expect((await t.call('GET', `${BASE}/entities?lastOperationTimeTo=nonsense`)).statusCode).toBe(400);
  });

  it('leaves entities out of the instance list unless asked; their instance routes still work', async () => {
    const ids = async (query: string) =>
      ((await t.call('GET', `${BASE}/instances${query}`)).json() as { instanceId: string }[]).map((i) => i.instanceId);
    expect(await ids('')).toEqual(['plain-1']);
    expect((await ids('?excludeEntities=false')).length).toBe(5);
    expect((await ids('?instanceIdPrefix=@counter@')).sort()).toEqual(['@counter@', '@counter@gone', '@counter@one']);
    const status = await t.call('GET', `${BASE}/instances/${encodeURIComponent('@counter@one')}`);
    expect(status.statusCode).toBe(202);
    expect(status.json()).toMatchObject({ name: '@counter@one', runtimeStatus: 'Running', customStatus: { entityExists: true } });
  });

  it('cleans entity storage: deleted idle entities are purged, counts reported', async () => {
    const hub = await createTestApp();
    try {
      await writeEntityRow(hub, '@counter@gone', '{"sorter":{}}', '{}');
      await writeEntityRow(hub, '@counter@gone2', '{"sorter":{}}', '{}');
      await writeEntityRow(hub, '@counter@kept', '{"exists":true,"state":"1","sorter":{}}', '{"entityExists":true}');
      await writeEntityRow(hub, '@lock@held', '{"lockedBy":"no-such-orchestration","sorter":{}}', '{"lockedBy":"no-such-orchestration"}');
      const res = await hub.call('POST', `${BASE}/cleanEntityStorage`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ numberOfEmptyEntitiesRemoved: 2, numberOfOrphanedLocksRemoved: 1 });
      expect(await hub.store.getInstance('@counter@gone')).toBeUndefined();
      expect(await hub.store.getInstance('@counter@gone2')).toBeUndefined();
      const release = (await peekControlMessages(hub.hub)).map(
        (m) => (m.json.TaskMessage as { Event: { Name: string; Input: string } }).Event,
      );
      expect(release).toEqual([
        expect.objectContaining({ Name: 'release', Input: '{"parent":"no-such-orchestration","id":"fix-orphaned-lock"}' }),
      ]);
    } finally {
      await hub.close();
    }
  });
});

describe('signals when the worker serving the hub is known', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ entityNames: () => ['Counter'] });
  });
  afterAll(async () => t.close());

  it('refuses a name the worker has no entity function for (400 UnknownEntity), as the extension does for its own app', async () => {
    for (const method of ['POST', 'DELETE'] as const) {
      const res = await t.call(method, `${BASE}/entities/Countr/k1?op=add`);
      expect(res.statusCode, method).toBe(400);
      expect(res.json(), method).toMatchObject({ error: 'UnknownEntity', message: expect.stringContaining("'countr'") });
    }
    expect(await signals(t)).toEqual([]);
  });

  it('takes a registered name in any letter case', async () => {
    expect((await t.call('POST', `${BASE}/entities/COUNTER/k1?op=add`)).statusCode).toBe(202);
    expect((await signals(t)).map((s) => s.instanceId)).toEqual(['@counter@k1']);
  });
});
