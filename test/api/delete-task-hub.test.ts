// DELETE /taskhub: deleting a whole task hub (taskhub's addition to the management API).

import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { BASE, KEY, LEGACY, createTestApp, startInstance, type TestApp } from './helpers.js';
import { tableExists } from './storage-peek.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** A fresh hub that only the calling test uses. */
async function newHub(prefix: string): Promise<string> {
  const hub = freshHubName(prefix);
  await t.stores.adapter('AzureWebJobsStorage', hub).ensure();
  return hub;
}

/** Every table, queue and container whose name belongs to the hub, read with the Azure SDK. */
async function hubResources(hub: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of ['Instances', 'History', 'Partitions']) if (await tableExists(`${hub}${table}`)) found.push(`${hub}${table}`);
  const queues = QueueServiceClient.fromConnectionString(azuriteConnectionString());
  for await (const queue of queues.listQueues({ prefix: `${hub.toLowerCase()}-` })) found.push(queue.name);
  const blobs = BlobServiceClient.fromConnectionString(azuriteConnectionString());
  for await (const container of blobs.listContainers({ prefix: `${hub.toLowerCase()}-` })) found.push(container.name);
  return found;
}

describe('DELETE /taskhub', () => {
  it('deletes the hub: 200 {"taskHub","deleted":true}, storage gone, later requests 404 TaskHubNotFound', async () => {
    const hub = await newHub('delhub');
    const q = `taskHub=${hub}`;
    const id = await startInstance(t, 'Hello');
    // A first request makes the server remember the hub as existing.
    const started = await t.call('POST', `${BASE}/orchestrators/Hello/in-${hub}?${q}`);
    expect(started.statusCode).toBe(202);
    expect((await t.call('GET', `${BASE}/instances/in-${hub}?${q}`)).statusCode).toBe(202);
    expect((await hubResources(hub)).length).toBeGreaterThanOrEqual(7);

    const res = await t.call('DELETE', `${BASE}/taskhub?${q}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ taskHub: hub, deleted: true });
    expect(await hubResources(hub)).toEqual([]);
    expect(await t.stores.adapter('AzureWebJobsStorage', hub).exists()).toBe(false);

    for (const url of [`${BASE}/instances/in-${hub}?${q}`, `${BASE}/instances?${q}`]) {
      const after = await t.call('GET', url);
      expect(after.statusCode, url).toBe(404);
      expect(after.json().error, url).toBe('TaskHubNotFound');
    }
    const again = await t.call('DELETE', `${BASE}/taskhub?${q}`);
    expect([again.statusCode, again.json().error]).toEqual([404, 'TaskHubNotFound']);
    // The configured hub was not touched.
    expect((await t.call('GET', `${BASE}/instances/${id}`)).statusCode).toBe(202);
  });

  it('requires taskHub explicitly: 400 InvalidQueryParameter and the default hub survives', async () => {
    for (const url of [
      `${BASE}/taskhub`,
      `${BASE}/taskhub?taskHub=`,
      `${BASE}/taskhub?taskHub=%20%20`,
      `${BASE}/taskhub?connection=AzureWebJobsStorage`,
    ]) {
      const res = await t.call('DELETE', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: 'InvalidQueryParameter', message: expect.stringContaining('taskHub') });
    }
    expect(await t.store.exists()).toBe(true);
  });

  it('answers 404 for a missing hub and 400 for an invalid name or an unknown connection', async () => {
    const missing = await t.call('DELETE', `${BASE}/taskhub?taskHub=${freshHubName('nohub')}`);
    expect([missing.statusCode, missing.json().error]).toEqual([404, 'TaskHubNotFound']);
    const invalid = await t.call('DELETE', `${BASE}/taskhub?taskHub=a-b`);
    expect([invalid.statusCode, invalid.json().error]).toEqual([400, 'InvalidTaskHubName']);
    const hub = await newHub('delconn');
    const unknown = await t.call('DELETE', `${BASE}/taskhub?taskHub=${hub}&connection=Nope`);
    expect([unknown.statusCode, unknown.json().error]).toEqual([400, 'UnknownConnection']);
    expect(await t.stores.adapter('AzureWebJobsStorage', hub).exists()).toBe(true);
  });

  it('requires the key (401) and leaves the hub alone without it', async () => {
    const hub = await newHub('delkey');
    const attempts: Record<string, string>[] = [{}, { 'x-functions-key': 'wrong' }];
    for (const headers of attempts) {
      const res = await t.call('DELETE', `${BASE}/taskhub?taskHub=${hub}`, { noKey: true, headers });
      expect(res.statusCode).toBe(401);
    }
    expect(await t.stores.adapter('AzureWebJobsStorage', hub).exists()).toBe(true);
  });

  it('works under the Functions 1.x prefix, with the connection named and the key as ?code=', async () => {
    const hub = await newHub('dellegacy');
    const res = await t.call('DELETE', `${LEGACY}/taskhub?taskHub=${hub}&connection=AzureWebJobsStorage&code=${KEY}`, { noKey: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ taskHub: hub, deleted: true });
    expect(await hubResources(hub)).toEqual([]);
  });
});
