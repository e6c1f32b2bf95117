// Domain types shared by the store port, the services and the worker.
// History events keep the Durable Task Framework's PascalCase field names so that the same
// object can become a History table row, a queue message `Event` or an element of `historyEvents`.

export const RUNTIME_STATUSES = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

/** Statuses from which an instance never moves on by itself. */
export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

/** Statuses that block re-using an instance id on start (Durable Functions' default dedupe set). */
export const ACTIVE_STATUSES: readonly RuntimeStatus[] = ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** DurableTask.Core EventType, in declaration order: the index is the number used in queue JSON. */
export const EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionCompleted',
  'ExecutionFailed',
  'ExecutionTerminated',
  'TaskScheduled',
  'TaskCompleted',
  'TaskFailed',
  'SubOrchestrationInstanceCreated',
  'SubOrchestrationInstanceCompleted',
  'SubOrchestrationInstanceFailed',
  'TimerCreated',
  'TimerFired',
  'OrchestratorStarted',
  'OrchestratorCompleted',
  'EventSent',
  'EventRaised',
  'ContinueAsNew',
  'GenericEvent',
  'HistoryState',
  'ExecutionSuspended',
  'ExecutionResumed',
  'ExecutionRewound',
] as const;
export type EventTypeName = (typeof EVENT_TYPES)[number];

/**
 * One history event. `Timestamp` and other date fields are ISO-8601 strings (UTC, `Z`).
 * Text payloads (`Input`, `Result`, `Reason`, ...) are JSON text exactly as the framework stores them.
 * Nested objects (`OrchestrationInstance`, `ParentInstance`, `FailureDetails`, `Tags`) are plain objects.
 */
export interface HistoryEvent {
  EventType: EventTypeName;
  EventId: number;
  IsPlayed?: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string | null;
}

export interface InstanceState {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text (large values already fetched from blobs); null when absent or not fetched. */
  input: string | null;
  /** JSON text, or plain text for failure messages and termination reasons. */
  output: string | null;
  customStatus: string | null;
  createdTime: Date;
  lastUpdatedTime: Date;
  completedTime?: Date;
  scheduledStartTime?: Date;
  generation: number;
  tags?: Record<string, string>;
}

export interface InstanceQuery {
  createdTimeFrom?: Date;
  /** Inclusive upper bound. */
  createdTimeTo?: Date;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Skip entity instances (ids starting with `@`); ignored when `instanceIdPrefix` is set. */
  excludeEntities?: boolean;
  /** Orchestrator name: equal to `exact`, or starting with `prefix` (a range on the Name column). */
  name?: { exact?: string; prefix?: string };
  /** Default true; false skips reading (and resolving blobs of) `Input`. */
  fetchInput?: boolean;
  /** Default true. */
  fetchOutput?: boolean;
  /**
   * Read only the columns a status object shows (name, status, payloads, times); executionId,
   * version, generation and tags then come back empty. Lists use it to move less data.
   */
  statusColumnsOnly?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  continuationToken?: string;
}

export interface CreateInstanceRequest {
  instanceId: string;
  name: string;
  version: string;
  /** JSON text, or null for no input. */
  input: string | null;
  executionId: string;
  scheduledStartTime?: Date;
  tags?: Record<string, string>;
  /** An existing instance in one of these statuses makes the call throw InstanceStateConflict. */
  dedupeStatuses: readonly RuntimeStatus[];
}

export interface HistoryPage {
  events: HistoryEvent[];
  /** The current execution as recorded by the sentinel row (undefined when there is no history). */
  executionId?: string;
  /** ETag of the sentinel row, for the next guarded checkpoint. */
  sentinelETag?: string;
}
