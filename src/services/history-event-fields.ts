// The fields each history event type has in the Durable Task Framework (DurableTask.Core/History),
// besides EventId, IsPlayed, Timestamp and EventType. A History row can carry other columns (the
// provider's rewind turns a TaskFailed row into a GenericEvent row and keeps its old columns);
// the extension renders an event through its type, so only these fields are shown.

const COMPLETION = ['OrchestrationStatus', 'Result', 'FailureDetails'];
const TASK_FAILURE = ['TaskScheduledId', 'Reason', 'Details', 'FailureDetails'];

export const EVENT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ExecutionStarted: [
    'OrchestrationInstance',
    'ParentInstance',
    'Name',
    'Version',
    'Input',
    'Tags',
    'Correlation',
    'ParentTraceContext',
    'ScheduledStartTime',
    'Generation',
    'GenerateNewTrace',
  ],
  ExecutionCompleted: COMPLETION,
  ContinueAsNew: COMPLETION,
  ExecutionTerminated: ['Input'],
  ExecutionSuspended: ['Reason'],
  ExecutionResumed: ['Reason'],
  ExecutionRewound: ['Reason', 'ParentExecutionId', 'InstanceId', 'ParentTraceContext'],
  TaskScheduled: ['Name', 'Version', 'Input', 'ParentTraceContext', 'Tags'],
  TaskCompleted: ['TaskScheduledId', 'Result'],
  TaskFailed: TASK_FAILURE,
  SubOrchestrationInstanceCreated: ['Name', 'Version', 'InstanceId', 'Input', 'ClientSpanId', 'Tags'],
  SubOrchestrationInstanceCompleted: ['TaskScheduledId', 'Result'],
  SubOrchestrationInstanceFailed: TASK_FAILURE,
  TimerCreated: ['FireAt'],
  TimerFired: ['TimerId', 'FireAt'],
  OrchestratorStarted: [],
  OrchestratorCompleted: [],
  EventSent: ['InstanceId', 'Name', 'Input'],
  EventRaised: ['Name', 'Input', 'ParentTraceContext'],
  GenericEvent: ['Data'],
  HistoryState: ['State'],
};

/** The event's own fields (plus Timestamp); an event type this list does not know keeps them all. */
export function ownFields(eventType: string, fields: Record<string, unknown>): Record<string, unknown> {
  const known = EVENT_FIELDS[eventType];
  if (!known) return fields;
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) if (name === 'Timestamp' || known.includes(name)) kept[name] = value;
  return kept;
}
