// The storage ports: services use the management store, the worker the work-item store. One
// provider resolves both for a (connection, task hub) pair; the Azure adapter implements them.

import type { ManagementStoreProvider } from './management-store.js';
import type { WorkItemStoreProvider } from './work-item-store.js';

export type * from './management-store.js';
export type * from './work-item-store.js';

/** Both getters over one set of clients; the composition root hands each layer its half. */
export interface StoreProvider extends ManagementStoreProvider, WorkItemStoreProvider {
  close(): Promise<void>;
}
