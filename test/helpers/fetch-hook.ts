// Worker tests that watch or hold the orchestration receives: the work-item port with its
// fetchOrchestrationWorkItems passed through a hook, everything else untouched.
import type { OrchestrationWorkItem, WorkItemStore, WorkItemStoreProvider } from '../../src/storage/port.js';

type Fetch = () => Promise<OrchestrationWorkItem[]>;
/** Called for each receive with the partition and the real receive; returns what the worker gets. */
export type FetchHook = (partition: number, fetch: Fetch) => Promise<OrchestrationWorkItem[]>;

export function hookFetches(inner: WorkItemStore, hook: FetchHook): WorkItemStore {
  const store = Object.create(inner) as WorkItemStore;
  store.fetchOrchestrationWorkItems = (partition, options) => hook(partition, () => inner.fetchOrchestrationWorkItems(partition, options));
  return store;
}

/** A provider whose stores pass their receives through `hook`. */
export function hookProviderFetches(provider: WorkItemStoreProvider, hook: FetchHook): WorkItemStoreProvider {
  return { workItems: (connection, name) => hookFetches(provider.workItems(connection, name), hook) };
}
