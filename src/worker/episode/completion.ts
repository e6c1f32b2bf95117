// The last step of an episode: the events that close it (ExecutionCompleted when the orchestrator
// finished, OrchestratorCompleted always), the row status and the parent's notification.

import {
  executionCompleted,
  orchestratorCompleted,
  subOrchestrationInstanceCompleted,
  subOrchestrationInstanceFailed,
  type RuntimeStatus,
} from '../../domain/index.js';
import type { ExecutionResult, FailureDetails } from '../df-host.js';
import { checkpointPlan } from './plan-builder.js';
import { storableValues, unschedulable } from './limits.js';
import { scheduleTasks } from './schedule.js';
import type { CheckpointPlan, EpisodeContext, Execution, Outbound, ParentInstance } from './types.js';

export function completeEpisode(ctx: EpisodeContext, execution: Execution, executed: ExecutionResult): CheckpointPlan {
  const { now, parent } = ctx;
  // Values no write could store end the instance here, before anything is checkpointed.
  let result = executed;
  const blocked = result.done ? undefined : unschedulable(ctx.name, result);
  if (blocked) result = failedWith(result, blocked);
  const values = storableValues(ctx.name, result);
  if (values.failure) result = failedWith(result, values.failure);

  // A finished orchestration has only its last entity messages (signals, lock releases) left to send.
  const scheduled = scheduleTasks(result.newTasks, ctx, execution.executionId);
  const events = execution.newEvents;
  if (scheduled) events.push(...scheduled.events);
  let status: RuntimeStatus = 'Running';
  let output: string | null | undefined;
  const toParent: Outbound[] = [];
  if (result.failure) {
    status = 'Failed';
    output = `${result.failure.ErrorType}: ${result.failure.ErrorMessage}`;
    events.push(executionCompleted('Failed', result.failure.ErrorMessage, result.failure, now));
    if (parent) toParent.push(notifyParent(parent, result.failure));
  } else if (result.done) {
    status = 'Completed';
    output = values.output ?? 'null';
    events.push(executionCompleted('Completed', output, null, now));
    if (parent) toParent.push(notifyParent(parent, undefined, output));
  } else {
    // The provider writes a resume's reason into the Output column (where the suspend reason was).
    const resumed = [...events].reverse().find((e) => e.EventType === 'ExecutionResumed');
    if (resumed) output = (resumed.Reason as string | null | undefined) ?? null;
  }
  events.push(orchestratorCompleted(now));
  const terminal = status !== 'Running';
  return checkpointPlan(
    ctx,
    execution,
    {
      runtimeStatus: status,
      customStatus: values.customStatus,
      ...(output !== undefined ? { output } : {}),
      ...(terminal ? { completedTime: now } : {}),
    },
    { workItems: scheduled?.workItems, outbound: [...(scheduled?.outbound ?? []), ...toParent], childRows: scheduled?.childRows },
  );
}

function failedWith(result: ExecutionResult, failure: FailureDetails): ExecutionResult {
  return { ...result, done: true, failure, continueAsNewInput: undefined, newTasks: [] };
}

/** The completion message a sub-orchestration sends to its parent. */
export function notifyParent(parent: ParentInstance, failure?: FailureDetails, result?: string): Outbound {
  const instance = { InstanceId: parent.OrchestrationInstance.InstanceId, ExecutionId: parent.OrchestrationInstance.ExecutionId };
  const event = failure
    ? subOrchestrationInstanceFailed(
        parent.TaskScheduleId,
        `${failure.ErrorType}: ${failure.ErrorMessage}`,
        failure.StackTrace ?? '',
        failure,
      )
    : subOrchestrationInstanceCompleted(parent.TaskScheduleId, result ?? 'null');
  return { instance, event };
}
