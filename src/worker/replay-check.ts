// Replay validation: every task the orchestrator creates while replaying must match the history
// event recorded under the same sequence number (kind and name), or the orchestrator code changed
// under a running instance. The host fails such an instance with NonDeterministicOrchestrationException
// (DurableTask.Core TaskOrchestrationContext.Handle*Event); the messages below keep its wording so
// that logs and status outputs read the same in both places.

import { fieldText, type HistoryEvent } from '../domain/index.js';

/** What the replaying orchestrator created under one sequence number. */
export interface ReplayedTask {
  kind: 'activity' | 'timer' | 'subOrchestration' | 'other';
  name?: string;
}

/** The host's action class per kind, named in its messages. */
const ACTION_CLASS: Record<ReplayedTask['kind'], string> = {
  activity: 'ScheduleTaskOrchestratorAction',
  timer: 'CreateTimerOrchestratorAction',
  subOrchestration: 'CreateSubOrchestrationAction',
  other: 'OrchestratorAction',
};

const EXPECTED_KIND: Partial<Record<HistoryEvent['EventType'], ReplayedTask['kind']>> = {
  TaskScheduled: 'activity',
  TimerCreated: 'timer',
  SubOrchestrationInstanceCreated: 'subOrchestration',
  EventSent: 'other',
};

const CHANGED = 'Was a change made to the orchestrator code after this instance had already started running?';
const sameName = (a: unknown, b: unknown) => fieldText(a).toLowerCase() === fieldText(b).toLowerCase();

/** How the instance fails when its replay contradicts its history (a FailureDetails of the host). */
export interface NonDeterminism {
  ErrorType: 'NonDeterministicOrchestrationException';
  ErrorMessage: string;
}

/** The tasks a replay created, by sequence number. */
export interface ReplayedTasks {
  get(id: number): ReplayedTask | undefined;
}

/**
 * The first scheduling event from `from` on that the replay contradicts, as the failure the
 * instance ends with (events before `from` were checked against the same run already).
 */
export function checkReplay(history: readonly HistoryEvent[], replayed: ReplayedTasks, from = 0): NonDeterminism | undefined {
  for (let i = from; i < history.length; i++) {
    const event = history[i];
    const expected = EXPECTED_KIND[event.EventType];
    if (!expected) continue;
    const detail = mismatch(event, expected, replayed.get(event.EventId));
    if (detail)
      return { ErrorType: 'NonDeterministicOrchestrationException', ErrorMessage: `Non-Deterministic workflow detected: ${detail}` };
  }
  return undefined;
}

function mismatch(event: HistoryEvent, expected: ReplayedTask['kind'], actual: ReplayedTask | undefined): string | undefined {
  const id = event.EventId;
  const name = fieldText(event.Name);
  const version = fieldText(event.Version);
  const produced = actual ? `produced a ${ACTION_CLASS[actual.kind]} action with this sequence number` : '';
  const missing = "but the current replay execution hasn't (yet?) scheduled this task";
  switch (expected) {
    case 'activity': {
      const what = `A previous execution of this orchestration scheduled an activity task with sequence number ${id} named '${name}'`;
      if (!actual)
        return `A previous execution of this orchestration scheduled an activity task with sequence ID ${id} and name '${name}' (version '${version}'), ${missing}. ${CHANGED}`;
      if (actual.kind !== 'activity') return `${what}, but the current orchestration replay instead ${produced}. ${CHANGED}`;
      if (!sameName(name, actual.name)) {
        return `${what}, but the current orchestration replay instead scheduled an activity task named '${actual.name}' with this sequence number. ${CHANGED}`;
      }
      return undefined;
    }
    case 'timer':
      if (!actual)
        return `A previous execution of this orchestration scheduled a timer task with sequence number ${id} ${missing}. ${CHANGED}`;
      if (actual.kind !== 'timer')
        return `A previous execution of this orchestration scheduled a timer task with sequence number ${id}, but the current orchestration replay instead ${produced}. ${CHANGED}`;
      return undefined;
    case 'subOrchestration': {
      const what = `A previous execution of this orchestration scheduled a sub-orchestration task with sequence ID ${id} and name '${name}' (version '${version}', instance ID '${fieldText(event.InstanceId)}')`;
      if (!actual) return `${what}, ${missing}. ${CHANGED}`;
      if (actual.kind !== 'subOrchestration') return `${what}, but the current orchestration replay instead ${produced}. ${CHANGED}`;
      if (!sameName(name, actual.name)) {
        return `${what}, but the current orchestration replay instead scheduled a sub-orchestration task with name ${actual.name} at this sequence number. ${CHANGED}`;
      }
      return undefined;
    }
    default:
      // EventSent: durable-functions 3.x sends events only to entities, which this worker refuses.
      return actual
        ? undefined
        : `A previous execution of this orchestration scheduled a send event task with sequence ID ${id}, name '${name}', ${missing}. ${CHANGED}`;
  }
}
