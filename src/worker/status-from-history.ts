// The Instances row an execution's history implies. A checkpoint writes the history first and the
// row second; when the row write fails (or its answer is lost) the history is the truth, and the
// next look at the instance brings the row in line with it, as the Azure Storage provider rebuilds
// a status from history. Custom status is not in the history and is left as it is.

import { fieldText, type HistoryEvent, type InstanceState, type RuntimeStatus } from '../domain/index.js';
import type { InstanceUpdate } from '../storage/port.js';

interface FailureDetails {
  ErrorType?: unknown;
  ErrorMessage?: unknown;
}

/** Status, output and completion time from the last lifecycle events; undefined for continue-as-new. */
function lifecycle(history: HistoryEvent[]): Pick<InstanceUpdate, 'runtimeStatus' | 'output' | 'completedTime'> | undefined {
  let status: RuntimeStatus = 'Running';
  for (const event of history) {
    if (event.EventType === 'ExecutionSuspended') status = 'Suspended';
    if (event.EventType === 'ExecutionResumed') status = 'Running';
    if (event.EventType !== 'ExecutionCompleted') continue;
    const outcome = fieldText(event.OrchestrationStatus);
    const completedTime = new Date(event.Timestamp);
    if (outcome === 'Completed')
      return { runtimeStatus: 'Completed', output: (event.Result as string | null | undefined) ?? 'null', completedTime };
    if (outcome === 'Terminated')
      return { runtimeStatus: 'Terminated', output: (event.Result as string | null | undefined) ?? '', completedTime };
    if (outcome === 'Failed') {
      const failure = (event.FailureDetails ?? {}) as FailureDetails;
      const output = failure.ErrorType
        ? `${fieldText(failure.ErrorType)}: ${fieldText(failure.ErrorMessage)}`
        : ((event.Result as string | undefined) ?? '');
      return { runtimeStatus: 'Failed', output, completedTime };
    }
    // ContinuedAsNew: the row belongs to the next generation, which its own start brings in line.
    return undefined;
  }
  return { runtimeStatus: status };
}

/**
 * The update that brings `row` in line with the history of `executionId`, or undefined when the
 * row already agrees (or the history says nothing certain: empty, or continued as new).
 */
export function rowRepair(
  row: InstanceState | undefined,
  executionId: string,
  history: HistoryEvent[],
  now: Date,
): InstanceUpdate | undefined {
  const start = history.find((e) => e.EventType === 'ExecutionStarted');
  if (!start || (row?.executionId && row.executionId !== executionId)) return undefined;
  const implied = lifecycle(history);
  if (!implied) return undefined;
  if (row?.runtimeStatus === implied.runtimeStatus) return undefined;
  return {
    instanceId: row?.instanceId ?? fieldText((start.OrchestrationInstance as { InstanceId?: unknown } | undefined)?.InstanceId),
    executionId,
    name: fieldText(start.Name ?? row?.name),
    version: fieldText(start.Version ?? row?.version),
    lastUpdatedTime: now,
    ...implied,
  };
}
