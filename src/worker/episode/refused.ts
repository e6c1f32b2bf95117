// When storage refuses an episode's history for good (a row or a one-row batch over the service's
// limits, a property it will not store), retrying the episode would fail the same way forever and
// leave the instance Running. The instance fails instead, with what storage said, in a small
// checkpoint of its own: the events that close the execution, appended after whatever part of the
// refused checkpoint did get stored.

import { executionCompleted, orchestratorCompleted, type HistoryEvent } from '../../domain/index.js';
import type { OrchestrationCommit } from '../../storage/port.js';
import { orchestratorFailed } from '../df-host.js';
import { notifyParent } from './completion.js';
import type { CheckpointPlan, ParentInstance } from './types.js';

export interface RefusedEpisode {
  plan: CheckpointPlan;
  /** The history the plan was made from (the execution's start may be there). */
  history: HistoryEvent[];
  reason: string;
  /** Leading events of `plan.newEvents` that storage did store. */
  storedEvents: number;
  now: Date;
}

/** The commit that fails the instance after its episode's checkpoint was refused. */
export function failRefusedEpisode(refused: RefusedEpisode): OrchestrationCommit {
  const { plan, now } = refused;
  const failure = orchestratorFailed(
    plan.update.name,
    `${refused.reason}. The episode's history cannot be stored, so the orchestration cannot continue.`,
  );
  // The episode's opening events (and the execution's start), when the refused checkpoint did not store them.
  const opening = plan.newEvents
    .slice(refused.storedEvents)
    .filter((e) => e.EventType === 'OrchestratorStarted' || e.EventType === 'ExecutionStarted');
  const newEvents = [...opening, executionCompleted('Failed', failure.ErrorMessage, failure, now), orchestratorCompleted(now)];
  const start = [...refused.history, ...plan.newEvents].find((e) => e.EventType === 'ExecutionStarted');
  const parent = (start?.ParentInstance as ParentInstance | null | undefined) ?? undefined;
  return {
    messages: parent ? [notifyParent(parent, failure)] : [],
    checkpoint: { executionId: plan.executionId, newEvents },
    status: {
      ...plan.update,
      runtimeStatus: 'Failed',
      output: `${failure.ErrorType}: ${failure.ErrorMessage}`,
      lastUpdatedTime: now,
      completedTime: now,
    },
  };
}
