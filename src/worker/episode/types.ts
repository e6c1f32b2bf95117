// The shapes an episode plan is made of, shared by the planner's steps.

import type { InstanceUpdate } from '../../storage/port.js';
import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import type { SuspendedRun } from '../df-host.js';
import type { HistoryIndex } from '../history-index.js';
import type { ReplaySessions } from '../replay-sessions.js';

/** A control message to send: a timer to self, a start to a child, a completion to the parent. */
export interface Outbound {
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  delayInMs?: number;
}

/** What the orchestration dispatcher must do for one instance after an episode. */
export type EpisodePlan = IdlePlan | RearmPlan | CheckpointPlan;

/** Nothing to record: the execution has ended, or every message was a duplicate or stale. */
export interface IdlePlan {
  kind: 'idle';
}

/** Nothing to record, but timers that surfaced early must be sent again. */
export interface RearmPlan {
  kind: 'rearm';
  executionId: string;
  outbound: Outbound[];
}

/** Send, then append `newEvents` to the history of `executionId`, then write `update`. */
export interface CheckpointPlan {
  kind: 'checkpoint';
  executionId: string;
  /** Events already stored for `executionId` (0 when this episode starts a new execution). */
  existingCount: number;
  newEvents: HistoryEvent[];
  /** TaskScheduled events, one activity work item each. */
  workItems: HistoryEvent[];
  outbound: Outbound[];
  /** Pending rows for new sub-orchestrations, written before their start messages are sent. */
  childRows: InstanceUpdate[];
  update: InstanceUpdate;
}

/** ExecutionStarted.ParentInstance of a sub-orchestration. */
export interface ParentInstance {
  Name?: string;
  Version?: string;
  TaskScheduleId: number;
  OrchestrationInstance: OrchestrationInstanceRef;
}

/** The execution an episode appends to; continue-as-new replaces it with the next generation. */
export interface Execution {
  executionId: string;
  /** Events already stored (empty for a generation started in this episode). */
  history: HistoryEvent[];
  newEvents: HistoryEvent[];
  start: HistoryEvent;
  /** Started by continue-as-new in this episode. */
  continued: boolean;
  /** Index of `history` and of the `newEvents` it has followed so far (see history-index.ts). */
  index: HistoryIndex;
}

/** Facts about the instance that hold for the whole episode. */
export interface EpisodeContext {
  instanceId: string;
  now: Date;
  name: string;
  version: string;
  parent?: ParentInstance;
  /** The episode's first message was the execution's start (the row gets its start columns). */
  freshStart: boolean;
  /** Re-armed timers, sent whatever the plan. */
  rearmed: Outbound[];
  log?: (level: string, message: string) => void;
  /** Orchestrator runs left suspended by earlier episodes (see replay-sessions.ts). */
  sessions?: ReplaySessions<SuspendedRun>;
}

export const eventsOf = (execution: Execution): HistoryEvent[] => [...execution.history, ...execution.newEvents];
