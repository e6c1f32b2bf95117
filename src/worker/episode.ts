// One orchestration episode, decided without touching storage: given the loaded history and the
// new control messages of one instance, produce the events to append, the messages to send and
// the Instances row update. The dispatcher (orchestration-dispatcher.ts) does the I/O around it.

import { createHash, randomUUID } from 'node:crypto';
import type { ControlMessage, InstanceUpdate } from '../storage/port.js';
import type { HistoryEvent, OrchestrationInstanceRef, RuntimeStatus } from '../storage/types.js';
import { executeOrchestrator, type ExecutionResult, type FailureDetails, type ScheduleRequest } from './df-host.js';
import { completionKey, historyEvent, isExecutionEnd } from './events.js';
import type { Registry } from './registry.js';

/** Azure queues cap visibility at 7 days; longer timers are re-armed when they surface early. */
export const MAX_TIMER_DELAY_IN_MS = 6 * 24 * 3600 * 1000;
/** Guards against orchestrators that continue as new without ever waiting. */
const MAX_CONTINUATIONS_PER_EPISODE = 100;

export interface Outbound {
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  delayInMs?: number;
}

export interface EpisodePlan {
  executionId: string;
  /** Events already stored for `executionId` (0 when this episode starts a new execution). */
  existingCount: number;
  newEvents: HistoryEvent[];
  workItems: HistoryEvent[];
  outbound: Outbound[];
  /** Pending rows for new sub-orchestrations, written before their start messages are sent. */
  childRows: InstanceUpdate[];
  /** Absent when nothing is appended (only re-armed timers to send). */
  update?: InstanceUpdate;
}

export interface EpisodeInput {
  instanceId: string;
  executionId: string;
  /** History of `executionId` as stored (may be empty for a fresh start). */
  history: HistoryEvent[];
  /** Messages for this execution in queue order; duplicates are filtered here. */
  messages: ControlMessage[];
  registry: Registry;
  now: Date;
  log?: (level: string, message: string) => void;
}

const newExecutionId = () => randomUUID().replace(/-/g, '');
const json = (value: unknown) => JSON.stringify(value) ?? 'null';

/** Suspended after replaying ExecutionSuspended/Resumed in order? */
function isSuspended(events: HistoryEvent[]): boolean {
  let suspended = false;
  for (const e of events) {
    if (e.EventType === 'ExecutionSuspended') suspended = true;
    else if (e.EventType === 'ExecutionResumed') suspended = false;
  }
  return suspended;
}

/** Returns undefined when there is nothing to do (finished execution, duplicates, stale messages). */
export async function planEpisode(input: EpisodeInput): Promise<EpisodePlan | undefined> {
  const { instanceId, now } = input;
  if (input.history.some((e) => isExecutionEnd(e) || e.EventType === 'ExecutionTerminated')) return undefined;
  const seen = new Set(input.history.map(completionKey).filter((k) => k !== undefined));
  const hasStart = input.history.some((e) => e.EventType === 'ExecutionStarted');
  const outbound: Outbound[] = [];
  const accepted: HistoryEvent[] = [];
  for (const message of input.messages) {
    const event = message.event;
    if (event.EventType === 'ExecutionStarted' && (hasStart || accepted.some((e) => e.EventType === 'ExecutionStarted'))) continue;
    const key = completionKey(event);
    if (key && seen.has(key)) continue; // duplicate delivery
    if (event.EventType === 'TimerFired' && typeof event.FireAt === 'string') {
      const remaining = Date.parse(event.FireAt) - now.getTime();
      if (remaining > 1000) {
        outbound.push({ instance: message.instance, event, delayInMs: Math.min(remaining, MAX_TIMER_DELAY_IN_MS) });
        continue;
      }
    }
    if (key) seen.add(key);
    accepted.push({ ...event, IsPlayed: false });
  }
  if (accepted.length === 0 && outbound.length === 0) return undefined;
  // A fresh start comes first, whatever the queue order was.
  accepted.sort((a, b) => Number(b.EventType === 'ExecutionStarted') - Number(a.EventType === 'ExecutionStarted'));

  let executionId = input.executionId;
  let history = input.history;
  let existingCount = history.length;
  let newEvents: HistoryEvent[] = accepted.length > 0 ? [historyEvent('OrchestratorStarted', {}, -1, now), ...accepted] : [];
  const all = () => [...history, ...newEvents];
  const started = all().find((e) => e.EventType === 'ExecutionStarted');
  if (!started || newEvents.length === 0) {
    return { executionId, existingCount, newEvents: [], workItems: [], outbound, childRows: [] };
  }
  const name = String(started.Name ?? '');
  const version = String(started.Version ?? '');
  const parent = started.ParentInstance as ParentInstance | null | undefined;
  const self: OrchestrationInstanceRef = { InstanceId: instanceId, ExecutionId: executionId };
  const base = { instanceId, name, version, lastUpdatedTime: now };
  const freshStart = accepted.some((e) => e.EventType === 'ExecutionStarted');
  const startColumns = (start: HistoryEvent) => ({
    input: (start.Input as string | null | undefined) ?? null,
    createdTime: new Date(start.Timestamp),
    ...(typeof start.Generation === 'number' ? { generation: start.Generation } : {}),
    ...(start.Tags && typeof start.Tags === 'object' ? { tags: start.Tags as Record<string, string> } : {}),
  });
  const plan = (update: Omit<InstanceUpdate, 'instanceId' | 'name' | 'version' | 'lastUpdatedTime' | 'executionId'>, extra: Partial<EpisodePlan> = {}): EpisodePlan => ({
    executionId,
    existingCount,
    newEvents,
    workItems: [],
    childRows: [],
    ...extra,
    outbound: [...outbound, ...(extra.outbound ?? [])],
    update: { ...base, executionId, ...(freshStart ? startColumns(started) : {}), ...update },
  });

  const terminated = accepted.find((e) => e.EventType === 'ExecutionTerminated');
  if (terminated) {
    const reason = (terminated.Input as string | null | undefined) ?? '';
    newEvents.push(historyEvent('ExecutionCompleted', { OrchestrationStatus: 'Terminated', Result: reason, FailureDetails: null }, -1, now));
    newEvents.push(historyEvent('OrchestratorCompleted', {}, -1, now));
    const toParent = parent ? [notifyParent(parent, { ErrorType: 'TerminatedError', ErrorMessage: `Terminated: ${reason}` })] : [];
    return plan({ runtimeStatus: 'Terminated', output: reason, completedTime: now }, { outbound: toParent });
  }
  if (isSuspended(all())) {
    newEvents.push(historyEvent('OrchestratorCompleted', {}, -1, now));
    const suspend = [...all()].reverse().find((e) => e.EventType === 'ExecutionSuspended');
    return plan({ runtimeStatus: 'Suspended', output: (suspend?.Reason as string | undefined) ?? null });
  }

  const fn = input.registry.findOrchestration(name);
  let result: ExecutionResult;
  let start = started;
  let continued = false;
  for (let round = 0; ; round++) {
    result = fn
      ? await executeOrchestrator(fn, {
          name,
          instanceId,
          parentInstanceId: parent?.OrchestrationInstance?.InstanceId,
          input: start.Input as string | null,
          history: all(),
          now,
          log: input.log,
        })
      : failedResult(`The orchestrator function '${name}' is not registered with this worker.`);
    if (result.continueAsNewInput === undefined) break;
    if (round >= MAX_CONTINUATIONS_PER_EPISODE) {
      result = failedResult(`The orchestrator continued as new ${round} times without waiting for anything.`);
      break;
    }
    // Continue as new: the next execution replaces this one in the same checkpoint (RowKey 0 again).
    const carried = carryOver(all(), result.unconsumedEvents);
    executionId = newExecutionId();
    self.ExecutionId = executionId;
    start = historyEvent('ExecutionStarted', {
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: parent ?? null,
      Name: name,
      Version: version,
      Input: result.continueAsNewInput,
      Tags: started.Tags ?? null,
    }, -1, now);
    history = [];
    existingCount = 0;
    newEvents = [historyEvent('OrchestratorStarted', {}, -1, now), start, ...carried];
    continued = true;
  }
  const customStatus = result.customStatus === undefined ? null : json(result.customStatus);
  const columns = continued ? { ...startColumns(start), createdTime: now } : {};
  const decided = translate(result, { instanceId, executionId, name, now, self });
  newEvents.push(...decided.events);
  if (result.failure) {
    newEvents.push(historyEvent('ExecutionCompleted', { OrchestrationStatus: 'Failed', Result: result.failure.ErrorMessage, FailureDetails: result.failure }, -1, now));
  } else if (result.done) {
    newEvents.push(historyEvent('ExecutionCompleted', { OrchestrationStatus: 'Completed', Result: json(result.output ?? null), FailureDetails: null }, -1, now));
  }
  newEvents.push(historyEvent('OrchestratorCompleted', {}, -1, now));
  let status: RuntimeStatus = 'Running';
  let output: string | null | undefined;
  const toParent: Outbound[] = [];
  if (result.failure) {
    status = 'Failed';
    output = `${result.failure.ErrorType}: ${result.failure.ErrorMessage}`;
    if (parent) toParent.push(notifyParent(parent, result.failure));
  } else if (result.done) {
    status = 'Completed';
    output = json(result.output ?? null);
    if (parent) toParent.push(notifyParent(parent, undefined, output));
  }
  const terminal = status !== 'Running';
  return plan(
    { ...columns, runtimeStatus: status, customStatus, ...(output !== undefined ? { output } : {}), ...(terminal ? { completedTime: now } : {}) },
    { workItems: decided.workItems, outbound: [...decided.outbound, ...toParent], childRows: decided.childRows },
  );
}

interface ParentInstance {
  Name?: string;
  Version?: string;
  TaskScheduleId: number;
  OrchestrationInstance: OrchestrationInstanceRef;
}

function failedResult(message: string): ExecutionResult {
  return { done: true, failure: { ErrorType: 'OrchestratorNotFound', ErrorMessage: message }, customStatus: undefined, newTasks: [], unconsumedEvents: new Map() };
}

/** The newest `count` EventRaised events of each unconsumed name, in their original order. */
function carryOver(events: HistoryEvent[], unconsumed: Map<string, number>): HistoryEvent[] {
  const keep = new Set<HistoryEvent>();
  for (const [name, count] of unconsumed) {
    events.filter((e) => e.EventType === 'EventRaised' && e.Name === name).slice(-count).forEach((e) => keep.add(e));
  }
  return events.filter((e) => keep.has(e));
}

function notifyParent(parent: ParentInstance, failure?: FailureDetails, result?: string): Outbound {
  const instance = { InstanceId: parent.OrchestrationInstance.InstanceId, ExecutionId: parent.OrchestrationInstance.ExecutionId };
  const event = failure
    ? historyEvent('SubOrchestrationInstanceFailed', {
        TaskScheduledId: parent.TaskScheduleId,
        Reason: `${failure.ErrorType}: ${failure.ErrorMessage}`,
        Details: failure.StackTrace ?? '',
        FailureDetails: failure,
      })
    : historyEvent('SubOrchestrationInstanceCompleted', { TaskScheduledId: parent.TaskScheduleId, Result: result ?? 'null' });
  return { instance, event };
}

interface TranslateContext {
  instanceId: string;
  executionId: string;
  name: string;
  now: Date;
  self: OrchestrationInstanceRef;
}

/** Executor decisions → history events + activity work items + control messages. */
function translate(result: ExecutionResult, ctx: TranslateContext) {
  const events: HistoryEvent[] = [];
  const workItems: HistoryEvent[] = [];
  const outbound: Outbound[] = [];
  const childRows: InstanceUpdate[] = [];
  if (result.done) return { events, workItems, outbound, childRows };
  for (const task of result.newTasks) scheduleOne(task, ctx, { events, workItems, outbound, childRows });
  return { events, workItems, outbound, childRows };
}

function scheduleOne(
  task: ScheduleRequest,
  ctx: TranslateContext,
  out: { events: HistoryEvent[]; workItems: HistoryEvent[]; outbound: Outbound[]; childRows: InstanceUpdate[] },
): void {
  const { now } = ctx;
  if (task.kind === 'activity') {
    const event = historyEvent('TaskScheduled', { Name: task.name, Version: '', Input: task.input }, task.id, now);
    out.events.push(event);
    out.workItems.push(event);
  } else if (task.kind === 'timer') {
    const fireAt = task.fireAt.toISOString();
    out.events.push(historyEvent('TimerCreated', { FireAt: fireAt }, task.id, now));
    const delay = Math.min(Math.max(0, task.fireAt.getTime() - now.getTime()), MAX_TIMER_DELAY_IN_MS);
    out.outbound.push({ instance: { ...ctx.self }, event: historyEvent('TimerFired', { TimerId: task.id, FireAt: fireAt }, -1, now), delayInMs: delay });
  } else {
    const childId = task.instanceId ?? `${ctx.instanceId}:${task.id}`;
    // Deterministic, so replaying this episode after a crash re-sends the same start (deduplicated).
    const childExecution = createHash('sha256').update(`${ctx.executionId}:${task.id}`).digest('hex').slice(0, 32);
    out.events.push(historyEvent('SubOrchestrationInstanceCreated', { Name: task.name, Version: task.version ?? '', InstanceId: childId, Input: task.input }, task.id, now));
    const start = historyEvent('ExecutionStarted', {
      OrchestrationInstance: { InstanceId: childId, ExecutionId: childExecution },
      ParentInstance: { Name: ctx.name, OrchestrationInstance: { ...ctx.self }, TaskScheduleId: task.id, Version: '' },
      Name: task.name,
      Version: task.version ?? '',
      Input: task.input,
      Tags: null,
    }, -1, now);
    out.outbound.push({ instance: { InstanceId: childId, ExecutionId: childExecution }, event: start });
    out.childRows.push({
      instanceId: childId,
      executionId: childExecution,
      name: task.name,
      version: task.version ?? '',
      runtimeStatus: 'Pending',
      input: task.input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
    });
  }
}
