// Stores for test fixtures that write or inspect a hub directly (one provider per test file).
import { loadConfig } from '../../src/config.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { AzureStoreProvider, AzureTaskHubStore } from '../../src/storage/azure/index.js';
import { azuriteConnectionString } from './hub.js';

let provider: AzureStoreProvider | undefined;

export function storeFor(hub: string): AzureTaskHubStore {
  provider ??= createAzureStoreProvider(loadConfig({ AzureWebJobsStorage: azuriteConnectionString() }));
  return provider.adapter('AzureWebJobsStorage', hub);
}

/** Creates the hub's tables, queues and containers. */
export async function createHub(hub: string): Promise<AzureTaskHubStore> {
  const store = storeFor(hub);
  await store.ensure();
  return store;
}
