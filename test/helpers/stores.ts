// Stores for test fixtures that write or inspect a hub directly (one provider per test file).
import { loadConfig } from '../../src/config.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { StoreProvider, TaskHubWorkerStore } from '../../src/storage/port.js';
import { azuriteConnectionString } from './hub.js';

let provider: StoreProvider | undefined;

export function storeFor(hub: string): TaskHubWorkerStore {
  provider ??= createAzureStoreProvider(loadConfig({ AzureWebJobsStorage: azuriteConnectionString() }));
  return provider.get('AzureWebJobsStorage', hub);
}

/** Creates the hub's tables, queues and containers. */
export async function createHub(hub: string): Promise<TaskHubWorkerStore> {
  const store = storeFor(hub);
  await store.ensure();
  return store;
}
