// Small constructors for history events, so the worker writes the same shapes everywhere.

import type { EventTypeName, HistoryEvent } from '../storage/types.js';

export function historyEvent(type: EventTypeName, fields: Record<string, unknown> = {}, eventId = -1, at = new Date()): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

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
    default:
      return undefined;
  }
}

export function isExecutionEnd(event: HistoryEvent): boolean {
  return event.EventType === 'ExecutionCompleted' || event.EventType === 'ContinueAsNew';
}
