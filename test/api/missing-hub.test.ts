// Every documented operation that addresses a task hub answers 404 TaskHubNotFound for a hub that
// does not exist, creates nothing, and documents that 404 (createTestApp checks each answer
// against its route's response schemas). The operations come from the served OpenAPI document,
// so a new route is walked without being listed here.

import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../helpers/hub.js';
import { BASE, createTestApp, type TestApp } from './helpers.js';
import { peekControlMessages, tableExists } from './storage-peek.js';

/** Operations that take `taskHub` but never look the hub up. */
const HUB_FREE = new Set(['listOrchestratorNames', 'whoAmI', 'getBatch']);

/** Bodies the routes would accept, so the hub is the only thing wrong. */
const BODIES: Record<string, string> = {
  // A filter batch is planned on the hub first (an id-list batch is accepted and fails per instance).
  startBatch: '{"operation":"terminate","filter":{}}',
};

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
}

let t: TestApp;
let operations: { method: string; path: string; operation: Operation }[];
beforeAll(async () => {
  t = await createTestApp();
  const doc = (await t.call('GET', '/openapi.json', { noKey: true })).json() as { paths: Record<string, Record<string, Operation>> };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
afterAll(async () => {
  await t.close();
});

describe('a task hub that does not exist', () => {
  it('is 404 TaskHubNotFound on every operation that addresses a hub, and nothing is created', async () => {
    const missing = 'NoSuchHub0123';
    const walked: string[] = [];
    for (const { method, path, operation } of operations) {
      const takesHub = operation.parameters?.some((p) => p.in === 'query' && p.name === 'taskHub');
      if (!takesHub || HUB_FREE.has(operation.operationId ?? '')) continue;
      const url = path.replace(/\{[^}]+\}/g, 'x') + `?taskHub=${missing}&createdTimeFrom=2020-01-01T00:00:00Z&timeout=1`;
      const body = BODIES[operation.operationId ?? ''] ?? (operation.requestBody ? '1' : undefined);
      const res = await t.call(method, url, body ? { body, headers: { 'content-type': 'application/json' } } : {});
      expect([operation.operationId, res.statusCode, res.json().error]).toEqual([operation.operationId, 404, 'TaskHubNotFound']);
      walked.push(operation.operationId ?? `${method} ${path}`);
    }
    // The walk covers the hub-scoped families: instances, orchestrations, entities, batches, the hub itself.
    expect(walked).toEqual(
      expect.arrayContaining(['listInstances', 'startOrchestration', 'signalEntity', 'listEntities', 'startBatch', 'deleteTaskHub']),
    );
    expect(walked.length).toBeGreaterThanOrEqual(20);
    expect(await tableExists(`${missing}Instances`)).toBe(false);
  });
});

describe('a task hub named in another letter case', () => {
  it('is looked up on its own, not vouched for by the hub already known: 404, and no message lands in the shared queue', async () => {
    // The hub is used first, so the server knows it exists.
    expect((await t.call('GET', `${BASE}/instances`)).statusCode).toBe(200);
    // Control queues are lower-cased, so both spellings share them; Azurite's tables are
    // case-sensitive, so the other spelling's tables do not exist.
    const other = t.hub.toUpperCase();
    const start = await t.call('POST', `${BASE}/orchestrators/Hello/case1?taskHub=${other}`);
    expect([start.statusCode, start.json().error]).toEqual([404, 'TaskHubNotFound']);
    const list = await t.call('GET', `${BASE}/instances?taskHub=${other}`);
    expect([list.statusCode, list.json().error]).toEqual([404, 'TaskHubNotFound']);
    expect(await peekControlMessages(t.hub)).toEqual([]);
    // The hub's own spelling still works.
    expect((await t.call('GET', `${BASE}/instances?taskHub=${t.hub}`)).statusCode).toBe(200);
  });
});

describe('a task hub deleted behind the server’s back', () => {
  it('is 404 TaskHubNotFound once its tables are gone, not the storage service’s error as a 400', async () => {
    const own = await createTestApp();
    try {
      // The server has seen the hub, so it no longer checks that it exists on every request.
      expect((await own.call('GET', `${BASE}/instances`)).statusCode).toBe(200);
      // Another server or the CLI deletes it (the store, not this app's route, so nothing is forgotten).
      await own.store.deleteHub();
      for (const [method, url] of [
        ['GET', `${BASE}/instances`],
        ['POST', `${BASE}/orchestrators/Hello/gone1`],
        ['DELETE', `${BASE}/instances?createdTimeFrom=2020-01-01T00:00:00Z`],
        ['POST', `${BASE}/entities/counter/gone2?op=add`],
        ['DELETE', `${BASE}/entities/counter/gone3`],
      ]) {
        const res = await own.call(method, url);
        expect([url, res.statusCode, res.json()]).toEqual([
          url,
          404,
          { error: 'TaskHubNotFound', message: `Task hub '${own.hub}' does not exist on connection 'AzureWebJobsStorage'.` },
        ]);
      }
      // Nothing of the hub came back: no queue was created to hold the start or the signals.
      const queues = QueueServiceClient.fromConnectionString(azuriteConnectionString()).listQueues({ prefix: own.hub.toLowerCase() });
      const names: string[] = [];
      for await (const queue of queues) names.push(queue.name);
      expect(names).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe('a control queue deleted by hand from a hub that still has its tables', () => {
  it('is created again by the next send, and the start goes through', async () => {
    const own = await createTestApp();
    try {
      expect((await own.call('GET', `${BASE}/instances`)).statusCode).toBe(200);
      const service = QueueServiceClient.fromConnectionString(azuriteConnectionString());
      for (let partition = 0; partition < 4; partition++) {
        await service.getQueueClient(`${own.hub.toLowerCase()}-control-0${partition}`).delete();
      }
      expect((await own.call('POST', `${BASE}/orchestrators/Hello/healed`)).statusCode).toBe(202);
      // Only the queue the start went to is back, holding its ExecutionStarted (EventType 0 in the provider's messages).
      const back: string[] = [];
      for await (const queue of service.listQueues({ prefix: `${own.hub.toLowerCase()}-control-` })) back.push(queue.name);
      expect(back).toHaveLength(1);
      const peeked = await service.getQueueClient(back[0]).peekMessages();
      expect(
        peeked.peekedMessageItems.map(
          (m) =>
            JSON.parse(m.messageText) as { TaskMessage: { Event: { EventType: number }; OrchestrationInstance: { InstanceId: string } } },
        ),
      ).toMatchObject([{ TaskMessage: { Event: { EventType: 0 }, OrchestrationInstance: { InstanceId: 'healed' } } }]);
    } finally {
      await own.close();
    }
  });
});
