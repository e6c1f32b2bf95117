// Canned histories and control messages for planner tests (in the spirit of durable-functions'
// own `testhistories`): each builder returns the events an instance would have stored.
import type { OrchestrationMessage } from '../../src/storage/port.js';
import { type HistoryEvent, historyEvent as ev } from '../../src/domain/index.js';

export const INSTANCE = 'i1';
export const EXECUTION = 'e1';
export const T0 = new Date('2025-01-01T00:00:00Z');
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** A message as the work-item store hands it over, addressed to the instance's current execution. */
export function message(event: HistoryEvent, instanceId = INSTANCE, executionId: string | null = EXECUTION): OrchestrationMessage {
  return { instance: { InstanceId: instanceId, ExecutionId: executionId }, event };
}

export interface StartOptions {
  input?: unknown;
  parent?: { instanceId: string; executionId: string; taskScheduleId: number };
  at?: Date;
}

export function executionStarted(name: string, options: StartOptions = {}): HistoryEvent {
  const parent = options.parent
    ? {
        Name: 'Parent',
        Version: '',
        TaskScheduleId: options.parent.taskScheduleId,
        OrchestrationInstance: { InstanceId: options.parent.instanceId, ExecutionId: options.parent.executionId },
      }
    : null;
  return ev(
    'ExecutionStarted',
    {
      OrchestrationInstance: { InstanceId: INSTANCE, ExecutionId: EXECUTION },
      ParentInstance: parent,
      Name: name,
      Version: '',
      Input: options.input === undefined ? null : JSON.stringify(options.input),
      Tags: null,
    },
    -1,
    options.at ?? T0,
  );
}

/** The first episode as stored: started, then whatever the orchestrator scheduled. */
export function started(name: string, options: StartOptions = {}, ...scheduled: HistoryEvent[]): HistoryEvent[] {
  return [
    ev('OrchestratorStarted', {}, -1, options.at ?? T0),
    executionStarted(name, options),
    ...scheduled,
    ev('OrchestratorCompleted', {}, -1, options.at ?? T0),
  ];
}

/** A later episode as stored: the events that arrived, then what the orchestrator scheduled. */
export function episode(when: Date, arrived: HistoryEvent[], scheduled: HistoryEvent[] = []): HistoryEvent[] {
  return [ev('OrchestratorStarted', {}, -1, when), ...arrived, ...scheduled, ev('OrchestratorCompleted', {}, -1, when)];
}

export const taskScheduled = (id: number, name: string, input: unknown = null) =>
  ev('TaskScheduled', { Name: name, Version: '', Input: JSON.stringify(input) }, id, T0);
export const taskCompleted = (id: number, result: unknown, when = T0) =>
  ev('TaskCompleted', { TaskScheduledId: id, Result: JSON.stringify(result) }, -1, when);
export const taskFailed = (id: number, message: string, when = T0) =>
  ev(
    'TaskFailed',
    { TaskScheduledId: id, Reason: message, Details: '', FailureDetails: { ErrorType: 'Error', ErrorMessage: message } },
    -1,
    when,
  );
export const timerCreated = (id: number, fireAt: Date) => ev('TimerCreated', { FireAt: fireAt.toISOString() }, id, T0);
export const timerFired = (id: number, fireAt: Date) => ev('TimerFired', { TimerId: id, FireAt: fireAt.toISOString() }, -1, fireAt);
export const subCreated = (id: number, name: string, instanceId: string) =>
  ev('SubOrchestrationInstanceCreated', { Name: name, Version: '', InstanceId: instanceId, Input: 'null' }, id, T0);
export const subCompleted = (id: number, result: unknown, when = T0) =>
  ev('SubOrchestrationInstanceCompleted', { TaskScheduledId: id, Result: JSON.stringify(result) }, -1, when);
export const subFailed = (id: number, message: string, when = T0) =>
  ev(
    'SubOrchestrationInstanceFailed',
    { TaskScheduledId: id, Reason: message, Details: '', FailureDetails: { ErrorType: 'Error', ErrorMessage: message } },
    -1,
    when,
  );
export const eventRaised = (name: string, input: unknown, when = T0) =>
  ev('EventRaised', { Name: name, Input: JSON.stringify(input) }, -1, when);
export const terminated = (reason: string, when = T0) => ev('ExecutionTerminated', { Input: reason }, -1, when);
export const suspended = (reason: string, when = T0) => ev('ExecutionSuspended', { Reason: reason }, -1, when);
export const resumed = (reason: string, when = T0) => ev('ExecutionResumed', { Reason: reason }, -1, when);
