// Reading instances: one status (optionally with history) and filtered, paged lists.

import { instanceNotFound } from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { InstanceQuery } from '../storage/management-store.js';
import type { InstanceFilter, ListFilter, ListOptions, ListPage, StatusCounts, StatusObject, StatusOptions } from './contract.js';
import { toHistoryView } from './history-view.js';
import { toStatusObject } from './status-object.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export async function getStatus(store: ManagementStore, instanceId: string, options: StatusOptions = {}): Promise<StatusObject> {
  const showInput = options.showInput !== false;
  const state = await store.getInstance(instanceId, { fetchInput: showInput });
  if (!state) throw instanceNotFound(instanceId);
  const status = toStatusObject(state, { showInput });
  // The extension reads no history for a Pending instance and leaves the field out.
  if (options.showHistory && state.runtimeStatus !== 'Pending') {
    const history = await store.getHistory(instanceId);
    status.historyEvents = toHistoryView(history.events, {
      showInput,
      showHistoryOutput: options.showHistoryOutput === true,
    });
  }
  return status;
}

export async function listInstances(store: ManagementStore, filter: ListFilter, options: ListOptions = {}): Promise<ListPage> {
  const showInput = filter.showInput !== false;
  const top = Math.min(Math.max(options.top ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const page = await store.listInstances(
    { ...toInstanceQuery(filter), fetchInput: showInput, statusColumnsOnly: true },
    { pageSize: top, continuationToken: options.continuationToken || undefined },
  );
  return {
    instances: page.items.map((state) => toStatusObject(state, { showInput })),
    continuationToken: page.continuationToken || undefined,
  };
}

/** The storage query of a filter; empty parts mean "no condition". */
export function toInstanceQuery(filter: InstanceFilter): InstanceQuery {
  const name =
    filter.name?.exact !== undefined ? { exact: filter.name.exact } : filter.name?.prefix ? { prefix: filter.name.prefix } : undefined;
  return {
    createdTimeFrom: filter.createdTimeFrom,
    createdTimeTo: filter.createdTimeTo,
    runtimeStatus: filter.runtimeStatus?.length ? filter.runtimeStatus : undefined,
    instanceIdPrefix: filter.instanceIdPrefix || undefined,
    excludeEntities: filter.excludeEntities !== false,
    name,
  };
}

export async function countInstances(store: ManagementStore, filter: InstanceFilter, abortSignal?: AbortSignal): Promise<StatusCounts> {
  const counts = await store.countInstances(toInstanceQuery(filter), { abortSignal });
  return { counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) };
}
