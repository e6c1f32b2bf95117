// Hosts the orchestration executor of the `durable-functions` package (replay is not home-made):
// we hand it the history as Durable Task events, exactly as the Functions host would over the
// out-of-process protocol (schema V4), and read back its decisions.
//
// Which tasks are new is read from the executor's own open-task table, because its task ids
// (sequence numbers, including the retry timers and re-schedules of `...WithRetry` tasks that
// never appear as actions) are what the TaskScheduledId/TimerId of our history events must match.

import { EVENT_TYPES, type HistoryEvent } from '../domain/index.js';
import {
  ENTITY_ACTION,
  entityTaskRequest,
  fireAndForgetIds,
  fireAndForgetRequests,
  recordFireAndForgetActions,
  releasesAtEnd,
  SendStamps,
  stampInOrder,
  type OrchestrationRef,
  type SendEventRequest,
} from './entities/orchestration-entities.js';
import { df, dfInternal } from './df-internals.js';
import type { OrchestratorFunction } from './registry.js';
import { HistoryIndex } from './history-index.js';
import { checkReplay, type ReplayedTask, type ReplayedTasks } from './replay-check.js';
import type { ReplaySessions } from './replay-sessions.js';
import { errorFromThrown } from './thrown-error.js';

/** Internal shapes of durable-functions@3.5.x that we rely on (pinned version). */
interface DfAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  version?: string;
  fireAt?: Date;
  compoundActions?: DfAction[];
}
interface DfRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}
interface DfTask {
  id: number | string | false;
  actionObj?: DfAction | string;
  /** Set on compound tasks (Task.all/any, retries, long timers). */
  children?: DfTask[];
  parent?: DfTask & { retryOptions?: DfRetryOptions };
}
interface DfExecutor {
  /** Internals used to continue a suspended run with the events added since (TaskOrchestrationExecutor.execute's loop). */
  processEvent(event: unknown): void;
  isDoneExecuting(): boolean;
  hasCompletedSuccessfully(): boolean;
  output: unknown;
  _isReplaying: boolean;
  openTasks: Record<string, DfTask>;
  deferredTasks: Record<string, unknown[]>;
  exception?: unknown;
  actions: DfAction[];
  /** Every task given a sequence number in this run (recorded by the hook below). */
  numberedTasks?: Map<number, DfTask>;
  /**
   * What an earlier episode of this run (continued since) validated: the replayable history events
   * checked against its tasks, and its actions found supported. Neither answer changes later.
   */
  validated?: { events: number; actions: number };
}
interface DfOrchestrator {
  handle(trigger: unknown, context: unknown): Promise<{ isDone: boolean; output?: unknown }>;
  taskOrchestrationExecutor: DfExecutor;
}
const { Orchestrator } = dfInternal<{
  Orchestrator: new (fn: OrchestratorFunction) => DfOrchestrator;
}>('orchestrations/Orchestrator.js');
const { TaskOrchestrationExecutor } = dfInternal<{
  TaskOrchestrationExecutor: { prototype: { trackOpenTask: (this: DfExecutor, task: DfTask) => void } };
}>('orchestrations/TaskOrchestrationExecutor.js');

// The executor forgets a task once it completes and never looks at TaskScheduled/TimerCreated/
// SubOrchestrationInstanceCreated, so replay validation records every task it numbers here.
const trackOpenTask = TaskOrchestrationExecutor.prototype.trackOpenTask;
TaskOrchestrationExecutor.prototype.trackOpenTask = function (this: DfExecutor, task: DfTask) {
  trackOpenTask.call(this, task);
  // Compound tasks recurse through this same method for their children.
  if (!task.children && typeof task.id === 'number') (this.numberedTasks ??= new Map()).set(task.id, task);
};

/** ActionType of durable-functions (lib/src/actions/ActionType.js). */
const Action = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  WhenAny: 11,
  WhenAll: 12,
} as const;
const UNSUPPORTED: Record<number, string> = {
  8: 'callHttp',
};
recordFireAndForgetActions();
/** ReplaySchema.V4, the newest durable-functions 3.5 knows. */
const SCHEMA_VERSION = 3;

export type ScheduleRequest =
  | { kind: 'activity'; id: number; name: string; input: string }
  | { kind: 'timer'; id: number; fireAt: Date }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId?: string; version?: string; input: string }
  | SendEventRequest;

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
}

export interface ExecutionResult {
  /** The orchestrator returned (or continued as new). */
  done: boolean;
  output?: unknown;
  /** JSON text of the next input when the orchestrator called continueAsNew. */
  continueAsNewInput?: string;
  failure?: FailureDetails;
  customStatus: unknown;
  newTasks: ScheduleRequest[];
  /** EventRaised events the orchestrator has not consumed yet, by name (count of the newest ones). */
  unconsumedEvents: Map<string, number>;
}

export interface ExecutionRequest {
  name: string;
  instanceId: string;
  parentInstanceId?: string;
  /** JSON text of the input (ExecutionStarted.Input). */
  input: string | null | undefined;
  history: HistoryEvent[];
  /** The index of exactly `history` (see history-index.ts); folded over it when not given. */
  index?: HistoryIndex;
  /** "Now" of this episode, for retry timers. */
  now: Date;
  log?: (level: string, message: string) => void;
  /** Runs suspended by earlier episodes of this instance, continued instead of replayed when the history continues them. */
  sessions?: ReplaySessions<SuspendedRun>;
}

/** Payload text as the host writes it: strings were already JSON-encoded by durable-functions. */
export function payloadText(value: unknown, alreadyEncodedStrings: boolean): string {
  if (alreadyEncodedStrings && typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'null';
}

/** A failure the host reports for its own part of running an orchestrator (not the user code's error). */
export function orchestratorFailed(orchestrator: string, reason: string): FailureDetails {
  return { ErrorType: 'OrchestrationFailureException', ErrorMessage: `Orchestrator function '${orchestrator}' failed: ${reason}` };
}

const unserializable = (orchestrator: string, what: string, error: unknown) =>
  orchestratorFailed(orchestrator, `The ${what} cannot be serialized as JSON: ${error instanceof Error ? error.message : String(error)}`);

function failureOf(thrown: unknown): FailureDetails {
  const error = errorFromThrown(thrown);
  return { ErrorType: error.name || 'Error', ErrorMessage: error.message, ...(thrown instanceof Error ? { StackTrace: error.stack } : {}) };
}

function flatten(actions: DfAction[], into: DfAction[] = []): DfAction[] {
  for (const action of actions) {
    if (action.compoundActions) flatten(action.compoundActions, into);
    else into.push(action);
  }
  return into;
}

function retryDelayInMs(options: DfRetryOptions, attemptNumber: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  let delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, Math.max(0, attemptNumber - 2));
  if (options.maxRetryIntervalInMilliseconds && options.maxRetryIntervalInMilliseconds > 0) {
    delay = Math.min(delay, options.maxRetryIntervalInMilliseconds);
  }
  return Number.isFinite(delay) && delay > 0 ? delay : 0;
}

/** The action a numbered task stands for, or the failed attempt a retry's back-off timer follows. */
function actionOf(task: DfTask): { action?: DfAction; retryTimerAfterAttempt?: number; retry?: DfRetryOptions } {
  const own = typeof task.actionObj === 'object' ? task.actionObj : undefined;
  const retry = task.parent?.retryOptions ? task.parent : undefined;
  if (own || !retry) return { action: own };
  // A NoOp child of a RetryableTask. Child 0 is the first attempt; then, per failed attempt, a
  // back-off timer (odd positions) and the re-scheduled attempt (even positions).
  const position = retry.children?.indexOf(task) ?? -1;
  if (position % 2 === 1) return { retryTimerAfterAttempt: (position + 1) / 2, retry: retry.retryOptions };
  return { action: typeof retry.actionObj === 'object' ? retry.actionObj : undefined };
}

const KIND_OF_ACTION: Record<number, ReplayedTask['kind']> = {
  [Action.CallActivity]: 'activity',
  [Action.CallActivityWithRetry]: 'activity',
  [Action.CallSubOrchestrator]: 'subOrchestration',
  [Action.CallSubOrchestratorWithRetry]: 'subOrchestration',
  [Action.CreateTimer]: 'timer',
};

/** Kind and name of the numbered tasks of a run, for replay validation (looked up as asked). */
function replayedTasks(executor: DfExecutor): ReplayedTasks {
  let fireAndForget: Set<number> | undefined;
  return {
    get(id: number): ReplayedTask | undefined {
      fireAndForget ??= new Set(fireAndForgetIds(executor));
      if (fireAndForget.has(id)) return { kind: 'other' };
      const task = executor.numberedTasks?.get(id);
      if (!task) return undefined;
      const { action, retryTimerAfterAttempt } = actionOf(task);
      if (retryTimerAfterAttempt !== undefined) return { kind: 'timer' };
      return { kind: (action && KIND_OF_ACTION[action.actionType]) ?? 'other', name: action?.functionName };
    },
  };
}

interface EntitySending {
  ref: OrchestrationRef;
  stamps: SendStamps;
}

function scheduleRequest(task: DfTask, id: number, now: Date, entities: EntitySending): ScheduleRequest | string {
  const { action, retryTimerAfterAttempt, retry } = actionOf(task);
  if (retryTimerAfterAttempt !== undefined) {
    // durable-functions still waits for a timer after the last attempt; like DurableTask.Core's
    // RetryInterceptor, that timer fires at once so the final failure surfaces without delay.
    const last = retryTimerAfterAttempt >= retry!.maxNumberOfAttempts;
    return { kind: 'timer', id, fireAt: new Date(now.getTime() + (last ? 0 : retryDelayInMs(retry!, retryTimerAfterAttempt + 1))) };
  }
  if (!action) return `task ${id} has no action`;
  switch (action.actionType) {
    case Action.CallActivity:
    case Action.CallActivityWithRetry:
      return { kind: 'activity', id, name: String(action.functionName), input: payloadText(action.input ?? null, true) };
    case Action.CallSubOrchestrator:
    case Action.CallSubOrchestratorWithRetry:
      return {
        kind: 'subOrchestration',
        id,
        name: String(action.functionName),
        instanceId: action.instanceId || undefined,
        version: action.version || undefined,
        input: payloadText(action.input ?? null, false),
      };
    case Action.CreateTimer:
      // A timer action always carries its fire time.
      return { kind: 'timer', id, fireAt: new Date(action.fireAt!) };
    case ENTITY_ACTION.CallEntity:
    case ENTITY_ACTION.LockEntities:
      return entityTaskRequest(action, id, entities.ref);
    default:
      return UNSUPPORTED[action.actionType] ?? `action type ${action.actionType}`;
  }
}

function toDfEvent(event: HistoryEvent): Record<string, unknown> {
  const out: Record<string, unknown> = { ...event, EventType: EVENT_TYPES.indexOf(event.EventType) };
  if (event.EventType === 'TaskFailed' || event.EventType === 'SubOrchestrationInstanceFailed') {
    out.Reason = typeof event.Reason === 'string' ? event.Reason : '';
    out.Details = typeof event.Details === 'string' ? event.Details : '';
  }
  return out;
}

interface Run {
  state?: { isDone: boolean; output?: unknown };
  error?: unknown;
  executor?: DfExecutor;
  customStatus: unknown;
}

/** What a suspended run needs to go on: its executor (holding the generator) and its context. */
export interface SuspendedRun {
  executor: DfExecutor;
  context: { df?: unknown };
}

const customStatusOf = (context: { df?: unknown }) => (context.df as { customStatus?: unknown } | undefined)?.customStatus;

/**
 * Feeds the events after `from` to a suspended run, as TaskOrchestrationExecutor.execute feeds a
 * whole history: the same events in the same order reach the same state as a full replay would.
 */
function continueRun(suspended: SuspendedRun, history: HistoryEvent[], from: number): Run {
  const { executor, context } = suspended;
  let lastOrchestratorStarted = -1;
  for (let i = history.length - 1; i >= from; i--) {
    if (history[i].EventType === 'OrchestratorStarted') {
      lastOrchestratorStarted = i;
      break;
    }
  }
  for (let i = from; i < history.length; i++) {
    executor._isReplaying = i < lastOrchestratorStarted;
    executor.processEvent(toDfEvent(history[i]));
    if (executor.isDoneExecuting()) break;
  }
  const customStatus = customStatusOf(context);
  if (executor.exception !== undefined) return { error: executor.exception, executor, customStatus };
  return { state: { isDone: executor.hasCompletedSuccessfully(), output: executor.output }, executor, customStatus };
}

/** Continues this instance's suspended run when the history continues it, else replays from the start; keeps a run still waiting. */
async function runOrContinue(fn: OrchestratorFunction, request: ExecutionRequest, history: HistoryEvent[]): Promise<Run> {
  const sessions = request.sessions;
  const previous = sessions?.take(request.instanceId, history);
  let run: Run;
  let context: { df?: unknown } | undefined = previous?.run.context;
  if (previous) run = continueRun(previous.run, history, previous.consumed);
  else ({ run, context } = await startRun(fn, request, history));
  if (sessions && run.executor && context && run.state && !run.state.isDone && run.error === undefined) {
    sessions.keep(request.instanceId, { run: { executor: run.executor, context }, consumed: history.length, last: history.at(-1) });
  }
  return run;
}

async function runOnce(fn: OrchestratorFunction, request: ExecutionRequest, history: HistoryEvent[]): Promise<Run> {
  return (await startRun(fn, request, history)).run;
}

async function startRun(
  fn: OrchestratorFunction,
  request: ExecutionRequest,
  history: HistoryEvent[],
): Promise<{ run: Run; context: { df?: unknown } }> {
  const input: unknown =
    request.input === null || request.input === undefined || request.input === '' ? undefined : JSON.parse(request.input);
  const log = request.log ?? (() => undefined);
  const context = new df.DummyOrchestrationContext(request.name, undefined, (level, ...args) => log(level, args.map(String).join(' ')));
  const orchestrator = new Orchestrator(fn);
  const trigger = {
    history: history.map(toDfEvent),
    input,
    instanceId: request.instanceId,
    isReplaying: false,
    parentInstanceId: request.parentInstanceId,
    upperSchemaVersion: SCHEMA_VERSION,
    maximumShortTimerDuration: '6.00:00:00', // under the 7-day cap on queue visibility
    longRunningTimerIntervalDuration: '3.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  const holder = context as unknown as { df?: unknown };
  try {
    const state = await orchestrator.handle(trigger, context);
    return { run: { state, executor: orchestrator.taskOrchestrationExecutor, customStatus: customStatusOf(holder) }, context: holder };
  } catch (error) {
    const executor = orchestrator.taskOrchestrationExecutor as DfExecutor | undefined;
    const cause = executor?.exception !== undefined ? executor.exception : error;
    return { run: { error: cause, executor, customStatus: customStatusOf(holder) }, context: holder };
  }
}

/**
 * EventRaised events a continuing-as-new orchestrator has not consumed: those it saw but never
 * awaited, plus those after the event that finished it (the executor stops reading there). The
 * stop point is found by replaying prefixes (done-ness is monotonic in the prefix length).
 */
async function unconsumedEvents(fn: OrchestratorFunction, request: ExecutionRequest, history: HistoryEvent[], full: DfExecutor) {
  let lo = 1;
  let hi = history.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const run = await runOnce(fn, request, history.slice(0, mid));
    if (run.error !== undefined || run.state?.isDone) hi = mid;
    else lo = mid + 1;
  }
  const counts = new Map<string, number>();
  for (const [name, queue] of Object.entries(full.deferredTasks)) {
    if (!/^\d+$/.test(name) && queue.length > 0) counts.set(name, queue.length);
  }
  for (const event of history.slice(lo)) {
    if (event.EventType === 'EventRaised') counts.set(String(event.Name), (counts.get(String(event.Name)) ?? 0) + 1);
  }
  return counts;
}

function failed(failure: FailureDetails, customStatus: unknown, newTasks: ScheduleRequest[] = []): ExecutionResult {
  return { done: true, failure, customStatus, newTasks, unconsumedEvents: new Map() };
}

/** Replays the history through the durable-functions executor and reports its decisions. */
export async function executeOrchestrator(fn: OrchestratorFunction, request: ExecutionRequest): Promise<ExecutionResult> {
  const index = request.index ?? HistoryIndex.over(request.history);
  // Rewound rows (GenericEvent) are invisible to replay, so their tasks are scheduled again.
  const history = index.replayable;
  const scheduled = index.scheduledIds;
  const run = await runOrContinue(fn, request, history);
  const { customStatus } = run;
  const validated = run.executor?.validated;
  // Entity messages recorded before the end are sent even when the orchestration ends now, and
  // a critical section still open at the end is released.
  const entities = entitySending(request, index);
  const sentAtEnd = () =>
    stampInOrder(
      [...fireAndForgetRequests(run.executor, entities.ref, scheduled), ...releasesAtEnd(run.executor, entities.ref)],
      entities.stamps,
      request.now,
    );
  // A replay that contradicts the history wins over whatever the contradiction led to.
  const nonDeterminism = run.executor && checkReplay(history, replayedTasks(run.executor), validated?.events);
  if (nonDeterminism) return failed(nonDeterminism, customStatus);
  if (!run.state || !run.executor) return failed(failureOf(run.error), customStatus, sentAtEnd());
  const executor = run.executor;
  const actions = flatten(validated ? executor.actions.slice(validated.actions) : executor.actions);
  const unsupported = actions.find((a) => UNSUPPORTED[a.actionType] !== undefined);
  if (unsupported) {
    const what = UNSUPPORTED[unsupported.actionType];
    const message = `taskhub's worker does not support ${what}: durable HTTP is not available.`;
    return failed({ ErrorType: 'NotSupportedError', ErrorMessage: message }, customStatus, sentAtEnd());
  }
  const continueAsNew = actions.find((a) => a.actionType === Action.ContinueAsNew);
  if (run.state.isDone) {
    if (continueAsNew) {
      let input: string;
      try {
        input = payloadText(continueAsNew.input ?? null, true);
      } catch (error) {
        return failed(unserializable(request.name, 'input given to continueAsNew', error), customStatus);
      }
      const unconsumed = await unconsumedEvents(fn, request, history, executor);
      return { done: true, continueAsNewInput: input, customStatus, newTasks: [], unconsumedEvents: unconsumed };
    }
    return { done: true, output: run.state.output, customStatus, newTasks: sentAtEnd(), unconsumedEvents: new Map() };
  }
  const newTasks: ScheduleRequest[] = [];
  const ids = Object.keys(executor.openTasks)
    .map(Number)
    .filter(Number.isInteger)
    .sort((a, b) => a - b);
  for (const id of ids) {
    if (scheduled.has(id)) continue;
    let next: ScheduleRequest | string;
    try {
      next = scheduleRequest(executor.openTasks[id], id, request.now, entities);
    } catch (error) {
      return failed(unserializable(request.name, `input of the task with sequence number ${id}`, error), customStatus, sentAtEnd());
    }
    if (typeof next === 'string') {
      return failed(
        { ErrorType: 'NotSupportedError', ErrorMessage: `taskhub's worker cannot schedule ${next}.` },
        customStatus,
        sentAtEnd(),
      );
    }
    newTasks.push(next);
  }
  newTasks.push(...fireAndForgetRequests(executor, entities.ref, scheduled));
  // A run that goes on waiting has been validated this far; a continuation checks only what follows.
  executor.validated = { events: history.length, actions: executor.actions.length };
  return { done: false, customStatus, newTasks: stampInOrder(newTasks, entities.stamps, request.now), unconsumedEvents: new Map() };
}

function entitySending(request: ExecutionRequest, index: HistoryIndex): EntitySending {
  const executionId = (index.start?.OrchestrationInstance as { ExecutionId?: string } | undefined)?.ExecutionId ?? '';
  return { ref: { instanceId: request.instanceId, executionId, now: request.now }, stamps: new SendStamps(index.sendStamps) };
}
