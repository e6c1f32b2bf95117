// History events and one constructor per event kind. Events keep the Durable Task Framework's
// PascalCase field names so that the same object can become a History table row, a queue
// message `Event` or an element of `historyEvents`.

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

/** The framework's FailureDetails, as stored in TaskFailed/SubOrchestrationInstanceFailed/ExecutionCompleted. */
export interface FailureDetailsFields {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string | null;
}

/** The framework's ParentInstance of a sub-orchestration's ExecutionStarted. */
export interface ParentInstanceRef {
  Name?: string;
  OrchestrationInstance: OrchestrationInstanceRef;
  TaskScheduleId: number;
  Version?: string;
}

/** The base builder: `EventId` -1 means "not a scheduled task", as the framework does. */
export function historyEvent(type: EventTypeName, fields: Record<string, unknown> = {}, eventId = -1, at = new Date()): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

export interface ExecutionStartedFields {
  instance: OrchestrationInstanceRef;
  parent?: ParentInstanceRef | null;
  name: string;
  version: string;
  /** JSON text, or null for no input. */
  input: string | null;
  tags?: Record<string, string> | null;
  scheduledStartTime?: Date;
  /** Restarts of the same instance id count up from 0; left out by the worker's own starts. */
  generation?: number;
}

/** Clients (start) write the full field set the extension writes; the worker leaves tracing out. */
export function executionStarted(f: ExecutionStartedFields, at = new Date()): HistoryEvent {
  const fields: Record<string, unknown> = {
    OrchestrationInstance: f.instance,
    ParentInstance: f.parent ?? null,
    Name: f.name,
    Version: f.version,
    Input: f.input,
    Tags: f.tags ?? null,
  };
  if (f.generation !== undefined) {
    Object.assign(fields, {
      Correlation: null,
      ParentTraceContext: null,
      ScheduledStartTime: f.scheduledStartTime?.toISOString() ?? null,
      Generation: f.generation,
      GenerateNewTrace: false,
    });
  }
  return historyEvent('ExecutionStarted', fields, -1, at);
}

export type CompletionStatus = 'Completed' | 'Failed' | 'Terminated';

export const executionCompleted = (
  status: CompletionStatus,
  result: string | null,
  failure: FailureDetailsFields | null = null,
  at = new Date(),
) => historyEvent('ExecutionCompleted', { OrchestrationStatus: status, Result: result, FailureDetails: failure }, -1, at);

/** The reason is stored as-is (not JSON); it becomes the terminated instance's output. */
export const executionTerminated = (reason: string | null, at = new Date()) =>
  historyEvent('ExecutionTerminated', { Input: reason }, -1, at);
export const executionSuspended = (reason: string | null, at = new Date()) =>
  historyEvent('ExecutionSuspended', { Reason: reason }, -1, at);
export const executionResumed = (reason: string | null, at = new Date()) => historyEvent('ExecutionResumed', { Reason: reason }, -1, at);

/** `input` is JSON text (null for no payload). */
export const eventRaised = (name: string, input: string | null, at = new Date()) =>
  historyEvent('EventRaised', { Name: name, Input: input }, -1, at);

/** An orchestration's message to another instance (an entity request or release); `input` is JSON text. */
export const eventSent = (eventId: number, instanceId: string, name: string, input: string | null, at = new Date()) =>
  historyEvent('EventSent', { InstanceId: instanceId, Name: name, Input: input }, eventId, at);

/** A no-op message that makes a worker replay an instance (rewind pokes each leaf with one). */
export const genericEvent = (data: string, at = new Date()) => historyEvent('GenericEvent', { Data: data }, -1, at);

export const orchestratorStarted = (at = new Date()) => historyEvent('OrchestratorStarted', {}, -1, at);
export const orchestratorCompleted = (at = new Date()) => historyEvent('OrchestratorCompleted', {}, -1, at);

export const taskScheduled = (eventId: number, name: string, input: string | null, at = new Date()) =>
  historyEvent('TaskScheduled', { Name: name, Version: '', Input: input }, eventId, at);
export const taskCompleted = (taskScheduledId: number, result: string, at = new Date()) =>
  historyEvent('TaskCompleted', { TaskScheduledId: taskScheduledId, Result: result }, -1, at);
export const taskFailed = (taskScheduledId: number, reason: string, details: string, failure: FailureDetailsFields, at = new Date()) =>
  historyEvent('TaskFailed', { TaskScheduledId: taskScheduledId, Reason: reason, Details: details, FailureDetails: failure }, -1, at);

/** `fireAt` is an ISO-8601 string. */
export const timerCreated = (eventId: number, fireAt: string, at = new Date()) =>
  historyEvent('TimerCreated', { FireAt: fireAt }, eventId, at);
export const timerFired = (timerId: number, fireAt: string, at = new Date()) =>
  historyEvent('TimerFired', { TimerId: timerId, FireAt: fireAt }, -1, at);

export const subOrchestrationInstanceCreated = (
  eventId: number,
  name: string,
  version: string,
  instanceId: string,
  input: string | null,
  at = new Date(),
) => historyEvent('SubOrchestrationInstanceCreated', { Name: name, Version: version, InstanceId: instanceId, Input: input }, eventId, at);
export const subOrchestrationInstanceCompleted = (taskScheduledId: number, result: string, at = new Date()) =>
  historyEvent('SubOrchestrationInstanceCompleted', { TaskScheduledId: taskScheduledId, Result: result }, -1, at);
export const subOrchestrationInstanceFailed = (
  taskScheduledId: number,
  reason: string,
  details: string | null,
  failure: FailureDetailsFields,
  at = new Date(),
) =>
  historyEvent(
    'SubOrchestrationInstanceFailed',
    { TaskScheduledId: taskScheduledId, Reason: reason, Details: details, FailureDetails: failure },
    -1,
    at,
  );

/** Id of the task an incoming completion event answers. */
export function completionKey(event: HistoryEvent): string | undefined {
  switch (event.EventType) {
    case 'TaskCompleted':
    case 'TaskFailed':
      return `task:${String(event.TaskScheduledId)}`;
    case 'SubOrchestrationInstanceCompleted':
    case 'SubOrchestrationInstanceFailed':
      return `sub:${String(event.TaskScheduledId)}`;
    case 'TimerFired':
      return `timer:${String(event.TimerId)}`;
    case 'EventRaised':
      // Raised with an Idempotency-Key: a retried request carries the same key and applies once.
      return typeof event.IdempotencyKey === 'string' ? `event:${String(event.Name)}\u0000${event.IdempotencyKey}` : undefined;
    default:
      return undefined;
  }
}

export function isExecutionEnd(event: HistoryEvent): boolean {
  return event.EventType === 'ExecutionCompleted' || event.EventType === 'ContinueAsNew';
}
