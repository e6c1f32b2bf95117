// Purging instance data. By filter, only finished instances are ever purged: the provider would
// purge running ones too when the status list is empty or all non-terminal.

import { DomainError, instanceNotFound, invalidQuery, TERMINAL_STATUSES, isTerminal } from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { PurgeByFilter } from './contract.js';

export async function purgeOne(store: ManagementStore, instanceId: string): Promise<{ instancesDeleted: number }> {
  const deleted = await store.purgeInstance(instanceId);
  if (deleted === 0) throw instanceNotFound(instanceId);
  return { instancesDeleted: deleted };
}

export async function purgeByFilter(
  store: ManagementStore,
  filter: PurgeByFilter,
  onProgress?: (deleted: number) => void,
): Promise<{ instancesDeleted: number }> {
  if (!(filter.createdTimeFrom instanceof Date) || Number.isNaN(filter.createdTimeFrom.getTime())) {
    throw invalidQuery('createdTimeFrom', 'is required to purge by filter');
  }
  // As the provider does, non-terminal statuses in the list are dropped; naming only those is an
  // error here (the provider would then purge every instance in the window, running ones included).
  const named = filter.runtimeStatus?.length ? filter.runtimeStatus : [...TERMINAL_STATUSES];
  const statuses = named.filter((status) => isTerminal(status));
  if (statuses.length === 0) {
    throw invalidQuery(
      'runtimeStatus',
      `must name at least one finished status (${TERMINAL_STATUSES.join(', ')}); got ${named.join(', ')}`,
    );
  }
  const deleted = await store.purgeInstances(
    { createdTimeFrom: filter.createdTimeFrom, createdTimeTo: filter.createdTimeTo, runtimeStatus: [...new Set(statuses)] },
    onProgress,
  );
  if (deleted === 0) throw new DomainError('NothingToPurge', 'No instance matched the purge filter.');
  return { instancesDeleted: deleted };
}
