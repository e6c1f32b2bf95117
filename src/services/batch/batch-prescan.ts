// Before a filter batch runs, one list scan reads the current status of its planned instances, so
// those that need nothing are skipped without a request each. A retry of a finished batch then
// costs a scan, not a read per instance. Instances the scan does not see take the normal path, and
// the operation itself still checks the state it finds (the scan is only a shortcut).

import { isRuntimeStatus, isTerminal, type RuntimeStatus } from '../../domain/index.js';
import type { HubRef, InstanceFilter, ManagementService } from '../contract.js';
import type { BatchRequest } from './batch-contract.js';

const PAGE_SIZE = 1000;
/** Stop scanning past this many rows per planned instance: the filter now matches far more. */
const ROWS_PER_INSTANCE = 4;

/**
 * Why an instance in `status` needs nothing, worded as the runner words the service's refusal of
 * the same case; undefined when the operation should run.
 */
export function skipForStatus(request: BatchRequest, status: RuntimeStatus): string | undefined {
  switch (request.operation) {
    case 'terminate':
    case 'raiseEvent':
      return isTerminal(status) ? `already ${status}` : undefined;
    case 'suspend':
      return isTerminal(status) ? `already ${status}` : status === 'Suspended' ? 'already Suspended' : undefined;
    case 'resume':
      return isTerminal(status) ? `already ${status}` : status !== 'Suspended' ? `not suspended (${status})` : undefined;
    case 'rewind':
      return status !== 'Failed' ? `not Failed (${status})` : undefined;
    case 'restart':
      return request.restartWithNewInstanceId === false && !isTerminal(status) ? `still ${status}` : undefined;
    case 'purge':
      return undefined;
  }
}

/**
 * The current status of each planned instance that the plan's filter, without its status
 * condition (the statuses are what changed), still finds.
 */
export async function currentStatuses(
  service: ManagementService,
  hub: HubRef,
  filter: InstanceFilter,
  instanceIds: readonly string[],
  abortSignal?: AbortSignal,
): Promise<Map<string, RuntimeStatus>> {
  const wanted = new Set(instanceIds);
  const statuses = new Map<string, RuntimeStatus>();
  const maxRows = instanceIds.length * ROWS_PER_INSTANCE + PAGE_SIZE;
  let rows = 0;
  let continuationToken: string | undefined;
  do {
    if (abortSignal?.aborted) break;
    const page = await service.list(hub, { ...filter, runtimeStatus: undefined, showInput: false }, { top: PAGE_SIZE, continuationToken });
    for (const instance of page.instances) {
      // A status this server cannot name is left to the operation's own check.
      if (wanted.has(instance.instanceId) && isRuntimeStatus(instance.runtimeStatus))
        statuses.set(instance.instanceId, instance.runtimeStatus);
    }
    rows += page.instances.length;
    continuationToken = page.continuationToken;
  } while (continuationToken && statuses.size < wanted.size && rows < maxRows);
  return statuses;
}
