// The harness's one way to the Azure adapter: configs and store providers on the suite's Azurite
// (or on a connection the test names), for tests that run a worker, write or inspect a hub directly.
// Tests outside test/storage/ reach the adapter only through here and app.ts (lint enforces it).
import { loadConfig, type Config } from '../../src/config.js';
import { createAccountClients, type AccountClients } from '../../src/storage/azure/clients.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { AzureStoreProvider, AzureTaskHubStore } from '../../src/storage/azure/index.js';
import { azuriteConnectionString } from './hub.js';

/** The adapter's store for one hub: the management and work-item ports plus the fixture writes. */
export type TestStore = AzureTaskHubStore;

export interface TestStores {
  config: Config;
  /** The caller closes it. */
  stores: AzureStoreProvider;
}

/**
 * Per storage attempt in tests. The suite shares one Azurite between two test workers, and on a
 * loaded 2-core CI machine it can stall past the production 3 s for a moment: that turned into a
 * 503 and a red run without anything being wrong. Tests about slow storage set their own limit.
 */
export const SUITE_STORAGE_TRY_TIMEOUT_MS = '20000';

/**
 * The settings a test runs with: the suite's Azurite as AzureWebJobsStorage, then `env` (which may
 * name another AzureWebJobsStorage, e.g. a proxy in front of Azurite).
 */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    AzureWebJobsStorage: env.AzureWebJobsStorage ?? azuriteConnectionString(),
    TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS,
    ...env,
  });
}

/** A store provider over `testConfig(env)`; nothing is created on storage yet. */
export function testStores(env: Record<string, string> = {}): TestStores {
  const config = testConfig(env);
  return { config, stores: createAzureStoreProvider(config) };
}

let provider: AzureStoreProvider | undefined;

/** The store of `hub` on the suite's Azurite with default settings (one provider per test file). */
export function storeFor(hub: string): TestStore {
  provider ??= testStores().stores;
  return provider.adapter('AzureWebJobsStorage', hub);
}

/** Creates the hub's tables, queues and containers. */
export async function createHub(hub: string): Promise<TestStore> {
  const store = storeFor(hub);
  await store.ensure();
  return store;
}

/** The table, queue and blob clients a store on this connection value would talk through. */
export function accountClientsFor(connection: string): AccountClients {
  return createAccountClients(connection, { tryTimeoutInMs: Number(SUITE_STORAGE_TRY_TIMEOUT_MS) });
}
