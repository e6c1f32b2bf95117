// The last step of an episode: the events that close it (ExecutionCompleted when the orchestrator
// finished, OrchestratorCompleted always), the row status and the parent's notification.

import type { RuntimeStatus } from '../../storage/types.js';
import type { ExecutionResult, FailureDetails } from '../df-host.js';
import { historyEvent } from '../events.js';
import { checkpointPlan } from './plan-builder.js';
import { scheduleTasks } from './schedule.js';
import type { CheckpointPlan, EpisodeContext, Execution, Outbound, ParentInstance } from './types.js';

const json = (value: unknown) => JSON.stringify(value) ?? 'null';

export function completeEpisode(ctx: EpisodeContext, execution: Execution, result: ExecutionResult): CheckpointPlan {
  const { now, parent } = ctx;
  const scheduled = result.done ? undefined : scheduleTasks(result.newTasks, ctx, execution.executionId);
  const events = execution.newEvents;
  if (scheduled) events.push(...scheduled.events);
  let status: RuntimeStatus = 'Running';
  let output: string | undefined;
  const toParent: Outbound[] = [];
  if (result.failure) {
    status = 'Failed';
    output = `${result.failure.ErrorType}: ${result.failure.ErrorMessage}`;
    events.push(historyEvent('ExecutionCompleted', { OrchestrationStatus: 'Failed', Result: result.failure.ErrorMessage, FailureDetails: result.failure }, -1, now));
    if (parent) toParent.push(notifyParent(parent, result.failure));
  } else if (result.done) {
    status = 'Completed';
    output = json(result.output ?? null);
    events.push(historyEvent('ExecutionCompleted', { OrchestrationStatus: 'Completed', Result: output, FailureDetails: null }, -1, now));
    if (parent) toParent.push(notifyParent(parent, undefined, output));
  }
  events.push(historyEvent('OrchestratorCompleted', {}, -1, now));
  const customStatus = result.customStatus === undefined ? null : json(result.customStatus);
  const terminal = status !== 'Running';
  return checkpointPlan(
    ctx,
    execution,
    { runtimeStatus: status, customStatus, ...(output !== undefined ? { output } : {}), ...(terminal ? { completedTime: now } : {}) },
    { workItems: scheduled?.workItems, outbound: [...(scheduled?.outbound ?? []), ...toParent], childRows: scheduled?.childRows },
  );
}

/** The completion message a sub-orchestration sends to its parent. */
export function notifyParent(parent: ParentInstance, failure?: FailureDetails, result?: string): Outbound {
  const instance = { InstanceId: parent.OrchestrationInstance.InstanceId, ExecutionId: parent.OrchestrationInstance.ExecutionId };
  const event = failure
    ? historyEvent('SubOrchestrationInstanceFailed', {
        TaskScheduledId: parent.TaskScheduleId,
        Reason: `${failure.ErrorType}: ${failure.ErrorMessage}`,
        Details: failure.StackTrace ?? '',
        FailureDetails: failure,
      })
    : historyEvent('SubOrchestrationInstanceCompleted', { TaskScheduledId: parent.TaskScheduleId, Result: result ?? 'null' });
  return { instance, event };
}
