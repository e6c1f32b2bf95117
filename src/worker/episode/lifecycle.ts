// Step 2 of an episode: a termination ends the execution without running user code; a suspended
// execution records what arrived and waits for its resume without running user code either.

import { executionCompleted, orchestratorCompleted, type HistoryEvent } from '../../domain/index.js';
import { notifyParent } from './completion.js';
import { checkpointPlan } from './plan-builder.js';
import type { CheckpointPlan, EpisodeContext, Execution } from './types.js';

export function terminateOrSuspend(ctx: EpisodeContext, execution: Execution, accepted: HistoryEvent[]): CheckpointPlan | undefined {
  const { now } = ctx;
  const terminated = accepted.find((e) => e.EventType === 'ExecutionTerminated');
  if (terminated) {
    // No reason stays null, as the provider stores it.
    const reason = (terminated.Input as string | null | undefined) ?? null;
    execution.newEvents.push(executionCompleted('Terminated', reason, null, now), orchestratorCompleted(now));
    const toParent = ctx.parent
      ? [notifyParent(ctx.parent, { ErrorType: 'TerminatedError', ErrorMessage: `Terminated: ${reason ?? ''}` })]
      : [];
    return checkpointPlan(ctx, execution, { runtimeStatus: 'Terminated', output: reason, completedTime: now }, { outbound: toParent });
  }
  // Suspended after ExecutionSuspended/Resumed in order, by the newest ExecutionSuspended.
  const { index } = execution;
  index.follow(execution.history, execution.newEvents);
  if (index.suspended) {
    execution.newEvents.push(orchestratorCompleted(now));
    const suspend = index.lastSuspend;
    return checkpointPlan(ctx, execution, { runtimeStatus: 'Suspended', output: (suspend?.Reason as string | undefined) ?? null });
  }
  return undefined;
}
