// A checkpoint whose history rows add up to more than Azure's 4 MiB batch limit is split by
// estimated size (as the provider flushes near 3 MB), against a table endpoint that enforces it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString as connectionStringFor } from '../../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { AzureStoreProvider } from '../../src/storage/azure/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { AZURE_BATCH_LIMIT_IN_BYTES, startBatchLimitProxy, type BatchLimitProxy } from './batch-limit-proxy.js';
import { testConfig } from '../helpers/stores.js';

let proxy: BatchLimitProxy;
let stores: AzureStoreProvider;
const port = (connection: string, name: string) => Number(new RegExp(`${name}=http://[^:]+:(\\d+)`).exec(connection)?.[1]);

beforeAll(async () => {
  const direct = azuriteConnectionString();
  proxy = await startBatchLimitProxy({ host: '127.0.0.1', port: port(direct, 'TableEndpoint') });
  const limited = connectionStringFor('127.0.0.1', {
    blob: port(direct, 'BlobEndpoint'),
    queue: port(direct, 'QueueEndpoint'),
    table: proxy.port,
  });
  stores = createAzureStoreProvider(testConfig({ AzureWebJobsStorage: limited }));
});
afterAll(async () => {
  await stores?.close();
  await proxy?.close();
});

describe('checkpoint size', () => {
  it('stores an episode of more than 4 MiB of history rows in batches under the limit', async () => {
    const hub = freshHubName('size');
    const store = stores.adapter('AzureWebJobsStorage', hub);
    await store.ensure();
    await store.createInstance({ instanceId: 'big', name: 'FanOut', version: '', input: null, executionId: 'e1', dedupeStatuses: [] });
    // 90 activities with inputs of 29,000 euro signs: each row stays in the table (58 KB as UTF-16,
    // under the 64 KB property limit) but is 87 KB on the wire, 7.8 MB in all.
    const input = JSON.stringify('\u20ac'.repeat(29_000));
    const now = new Date().toISOString();
    const events = Array.from({ length: 90 }, (_, i) => ({
      EventType: 'TaskScheduled' as const,
      EventId: i,
      Timestamp: now,
      Name: 'Work',
      Version: '',
      Input: input,
    }));
    const history = await store.history.read('big');
    await store.history.checkpoint({
      instanceId: 'big',
      executionId: 'e1',
      existingCount: 0,
      newEvents: events,
      sentinelETag: history.sentinelETag,
    });
    expect(proxy.batchSizes.length).toBeGreaterThan(1);
    expect(Math.max(...proxy.batchSizes)).toBeLessThanOrEqual(AZURE_BATCH_LIMIT_IN_BYTES);
    // EventId and the other Int32 columns went as JSON numbers, as Azure's JSON format has them.
    expect(proxy.int32Columns).toBeGreaterThanOrEqual(90);
    expect(proxy.int32NotNumbers).toEqual([]);
    const stored = await store.getHistory('big');
    expect(stored.events).toHaveLength(90);
    expect(stored.events[89]).toMatchObject({ EventType: 'TaskScheduled', Input: input });
  });
});
