// The `historyEvents` view of an execution's history, shaped like the extension's
// (http-api-research.md §6.2): enum names, no replay bookkeeping, scheduling events folded into
// their completions, results only on request.

import { RUNTIME_STATUSES, type HistoryEvent } from '../domain/index.js';
import { ownFields } from './history-event-fields.js';
import { storedPayload } from './json-text.js';

export interface HistoryViewOptions {
  showInput: boolean;
  showHistoryOutput: boolean;
}

const DROPPED = new Set(['OrchestratorStarted', 'OrchestratorCompleted']);
const SCHEDULING = new Set(['TaskScheduled', 'SubOrchestrationInstanceCreated']);
const COMPLETING: Record<string, { scheduledBy: string; hasResult: boolean }> = {
  TaskCompleted: { scheduledBy: 'TaskScheduled', hasResult: true },
  TaskFailed: { scheduledBy: 'TaskScheduled', hasResult: false },
  SubOrchestrationInstanceCompleted: { scheduledBy: 'SubOrchestrationInstanceCreated', hasResult: true },
  SubOrchestrationInstanceFailed: { scheduledBy: 'SubOrchestrationInstanceCreated', hasResult: false },
};

function statusName(value: unknown): unknown {
  return typeof value === 'number' ? (RUNTIME_STATUSES[value] ?? value) : value;
}

export function toHistoryView(events: readonly HistoryEvent[], options: HistoryViewOptions): Record<string, unknown>[] {
  const scheduled = new Map<string, HistoryEvent>();
  const completedIds = new Set<string>();
  for (const event of events) {
    if (SCHEDULING.has(event.EventType)) scheduled.set(`${event.EventType}:${event.EventId}`, event);
    const completion = COMPLETING[event.EventType];
    if (completion) completedIds.add(`${completion.scheduledBy}:${String(event.TaskScheduledId)}`);
  }

  const view: Record<string, unknown>[] = [];
  for (const event of events) {
    if (DROPPED.has(event.EventType)) continue;
    if (SCHEDULING.has(event.EventType) && completedIds.has(`${event.EventType}:${event.EventId}`)) continue;

    const { EventType, EventId: _id, IsPlayed: _played, ...rest } = event;
    const out: Record<string, unknown> = { EventType, ...ownFields(EventType, rest) };
    delete out.$type;

    if (EventType === 'ExecutionStarted') {
      out.FunctionName = out.Name;
      // taskhub addition: lets a client link a sub-orchestration to its parent.
      const parent = (out.ParentInstance as { OrchestrationInstance?: { InstanceId?: string } } | null | undefined)?.OrchestrationInstance
        ?.InstanceId;
      if (parent) out.ParentInstanceId = parent;
      for (const field of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) delete out[field];
    } else if (SCHEDULING.has(EventType)) {
      delete out.Version;
    } else if (COMPLETING[EventType]) {
      const { scheduledBy, hasResult } = COMPLETING[EventType];
      const origin = scheduled.get(`${scheduledBy}:${String(event.TaskScheduledId)}`);
      delete out.TaskScheduledId;
      if (origin) {
        out.FunctionName = origin.Name;
        out.ScheduledTime = origin.Timestamp;
        // taskhub addition: the sub-orchestration's id, so a client can link to it.
        if (scheduledBy === 'SubOrchestrationInstanceCreated' && origin.InstanceId) out.InstanceId = origin.InstanceId;
        if (options.showInput && origin.Input !== undefined) out.Input = origin.Input;
      }
      if (hasResult) {
        if (options.showHistoryOutput) out.Result = storedPayload(out.Result as string | null);
        else delete out.Result;
      }
    } else if (EventType === 'ExecutionCompleted') {
      out.OrchestrationStatus = statusName(out.OrchestrationStatus);
      if (options.showHistoryOutput) out.Result = storedPayload(out.Result as string | null);
      else delete out.Result;
    } else if (EventType === 'TimerFired') {
      delete out.TimerId;
    }
    if (!options.showInput) delete out.Input;
    view.push(out);
  }
  return view;
}
