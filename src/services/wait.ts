// Waiting for an instance to finish. The waiters of one task hub are held by one WaitGroup: woken
// at once by in-process checkpoints (InstanceEvents), and where a worker in another process may
// finish the instance, found by one group query per retry interval instead of a read per waiter.

import { instanceNotFound } from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { InstanceEvents } from './instance-events.js';
import type { WaitOptions, WaitResult } from './contract.js';
import { toStatusObject } from './status-object.js';
import { WaitGroup } from './wait-group.js';

export interface Waits {
  /** `localWorker`: the in-process worker serves this store's hub (connection and name). */
  waitForCompletion(store: ManagementStore, instanceId: string, options: WaitOptions, localWorker: boolean): Promise<WaitResult>;
}

export function createWaits(events: InstanceEvents | undefined): Waits {
  // One group per store; stores are cached per (connection, hub) by the provider.
  const groups = new WeakMap<ManagementStore, WaitGroup>();
  return {
    async waitForCompletion(store, instanceId, options, localWorker) {
      let group = groups.get(store);
      if (!group) {
        group = new WaitGroup(store, events, localWorker);
        groups.set(store, group);
      }
      const result = await group.wait(instanceId, options);
      if (!result) throw instanceNotFound(instanceId);
      const status = toStatusObject(result.state);
      return result.finished ? { finished: true, status } : { finished: false, status };
    },
  };
}
