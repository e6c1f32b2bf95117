// What an orchestration's entity actions send, as the extension's orchestration context sends
// them (one EventId each, like any DTFx SendEvent): callEntity and lock are tasks whose EventSent
// the package's executor re-keys by the RequestMessage id and resolves with the response event
// named by that id; signalEntity and the release of a critical section are fire-and-forget. The
// package advances its sequence number for those without telling the host, so the executor's
// recordFireAndForgetAction is wrapped to note each one with the ids it took.

import { schedulerId, type EntityId } from '../../domain/entity-id.js';
import {
  RELEASE_EVENT_NAME,
  REQUEST_EVENT_NAME,
  serializeRelease,
  serializeRequest,
  type RequestMessage,
} from '../../domain/entity-messages.js';
import { nextStamps } from '../../domain/entity-ordering.js';
import type { HistoryEvent } from '../../domain/index.js';
import { dfInternal } from '../df-internals.js';
import { derivedId } from './entity-batch.js';

/** An EventSent the orchestration records (EventId `id`) and the EventRaised it sends. */
export interface SendEventRequest {
  kind: 'sendEvent';
  id: number;
  instanceId: string;
  name: string;
  input: string;
  /** Requests get their ordering stamps once all sends of the episode are known (see stampInOrder). */
  request?: RequestMessage;
}

/** ActionType numbers of durable-functions 3.5 (lib/src/actions/ActionType.js). */
export const ENTITY_ACTION = { CallEntity: 7, SignalEntity: 9, LockEntities: 13, ReleaseEntities: 14 } as const;

interface DfEntityAction {
  actionType: number;
  instanceId?: string;
  operation?: string;
  input?: unknown;
  lockSet?: EntityId[];
  lockRequestId?: string;
}

interface Recorded {
  action: DfEntityAction;
  /** First sequence number the action took. */
  id: number;
  /** For releases: the lock being released. */
  lock?: { lockRequestId: string; lockSet: EntityId[] };
}

interface RecordingExecutor {
  sequenceNumber: number;
  willContinueAsNew: boolean;
  actions: DfEntityAction[];
  context?: { currentLock?: unknown };
  entitySends?: Recorded[];
}

const { TaskOrchestrationExecutor } = dfInternal<{
  TaskOrchestrationExecutor: {
    prototype: { recordFireAndForgetAction: (this: RecordingExecutor, action: DfEntityAction, increment?: number) => void };
  };
}>('orchestrations/TaskOrchestrationExecutor.js');

function lastLock(actions: DfEntityAction[]): DfEntityAction | undefined {
  return [...actions].reverse().find((a) => a.actionType === ENTITY_ACTION.LockEntities);
}

let installed = false;
/** Wraps the package's fire-and-forget recording once per process (the package is pinned). */
export function recordFireAndForgetActions(): void {
  if (installed) return;
  installed = true;
  const original = TaskOrchestrationExecutor.prototype.recordFireAndForgetAction;
  TaskOrchestrationExecutor.prototype.recordFireAndForgetAction = function (action, increment = 1) {
    if (!this.willContinueAsNew) {
      const held = action.actionType === ENTITY_ACTION.ReleaseEntities ? lastLock(this.actions) : undefined;
      const lock = held ? { lockRequestId: String(held.lockRequestId), lockSet: held.lockSet ?? [] } : undefined;
      (this.entitySends ??= []).push({ action, id: this.sequenceNumber, ...(lock ? { lock } : {}) });
    }
    original.call(this, action, increment);
  };
}

export interface OrchestrationRef {
  instanceId: string;
  executionId: string;
  now: Date;
}

/** Notes the Timestamp of the entity request an EventSent carries, per destination (lower-cased). */
export function recordSendStamp(last: Map<string, string>, e: HistoryEvent): void {
  if (e.EventType !== 'EventSent' || typeof e.Input !== 'string') return;
  try {
    const stamp = (JSON.parse(e.Input) as { Timestamp?: unknown }).Timestamp;
    if (typeof stamp === 'string') last.set(String(e.InstanceId).toLowerCase(), stamp);
  } catch {
    // not an entity request
  }
}

/** Per destination, the Timestamp of the last request this execution sent (for Predecessor). */
export class SendStamps {
  private readonly last: Map<string, string>;

  /** From the stamps the history recorded (see recordSendStamp); copied, as `next` moves them on. */
  constructor(recorded: ReadonlyMap<string, string>) {
    this.last = new Map(recorded);
  }

  next(destination: string, now: Date) {
    const stamps = nextStamps(this.last.get(destination.toLowerCase()), now);
    this.last.set(destination.toLowerCase(), stamps.Timestamp);
    return stamps;
  }
}

const inputText = (value: unknown) => (value === undefined ? null : (JSON.stringify(value) ?? null));

function send(
  id: number,
  target: string,
  ref: OrchestrationRef,
  fields: Omit<RequestMessage, 'parent' | 'parentExecution'>,
): SendEventRequest {
  const request: RequestMessage = { ...fields, parent: ref.instanceId, parentExecution: ref.executionId };
  return { kind: 'sendEvent', id, instanceId: target, name: REQUEST_EVENT_NAME, input: '', request };
}

/** Orders the episode's sends by EventId and stamps the requests in that order (the order they were issued). */
export function stampInOrder<T extends { id: number }>(
  tasks: (T | SendEventRequest)[],
  stamps: SendStamps,
  now: Date,
): (T | SendEventRequest)[] {
  const sorted = [...tasks].sort((a, b) => a.id - b.id);
  for (const task of sorted) {
    if ('kind' in task && task.kind === 'sendEvent' && task.request) {
      task.input = serializeRequest({ ...task.request, ...stamps.next(task.instanceId, now) });
    }
  }
  return sorted;
}

/** The request of a new callEntity or lock task (`id` = its sequence number). */
export function entityTaskRequest(action: DfEntityAction, id: number, ref: OrchestrationRef): SendEventRequest {
  if (action.actionType === ENTITY_ACTION.LockEntities) {
    const lockSet = action.lockSet ?? [];
    return send(id, schedulerId(lockSet[0]), ref, { op: null, id: String(action.lockRequestId), lockset: lockSet, pos: 0 });
  }
  const requestId = derivedId(`${ref.instanceId}:${ref.executionId}:${id}`);
  return send(id, String(action.instanceId), ref, { op: action.operation ?? '', input: inputText(action.input), id: requestId });
}

/** New signals and releases recorded during the run (those whose EventSent is not in history yet). */
export function fireAndForgetRequests(executor: object | undefined, ref: OrchestrationRef, sent: Set<number>): SendEventRequest[] {
  const out: SendEventRequest[] = [];
  for (const recorded of (executor as RecordingExecutor | undefined)?.entitySends ?? []) {
    const { action, id } = recorded;
    if (action.actionType === ENTITY_ACTION.SignalEntity) {
      if (sent.has(id)) continue;
      const requestId = derivedId(`${ref.instanceId}:${ref.executionId}:${id}`);
      out.push(
        send(id, String(action.instanceId), ref, {
          op: action.operation ?? '',
          signal: true,
          input: inputText(action.input),
          id: requestId,
        }),
      );
    } else if (action.actionType === ENTITY_ACTION.ReleaseEntities && recorded.lock) {
      out.push(...releases(recorded.lock, id, ref.instanceId).filter((r) => !sent.has(r.id)));
    }
  }
  return out;
}

/** Sequence numbers taken by signals and releases (EventSent in history without a task), for replay validation. */
export function fireAndForgetIds(executor: object | undefined): number[] {
  return ((executor as RecordingExecutor | undefined)?.entitySends ?? []).flatMap((r) =>
    r.action.actionType === ENTITY_ACTION.ReleaseEntities ? (r.lock?.lockSet ?? []).map((_, i) => r.id + i) : [r.id],
  );
}

function releases(lock: { lockRequestId: string; lockSet: EntityId[] }, firstId: number, instanceId: string): SendEventRequest[] {
  const body = serializeRelease({ parent: instanceId, id: lock.lockRequestId });
  return lock.lockSet.map((entity, i) => ({
    kind: 'sendEvent',
    id: firstId + i,
    instanceId: schedulerId(entity),
    name: RELEASE_EVENT_NAME,
    input: body,
  }));
}

/** Locks still held (or requested) when the orchestration ends are released, as the extension does. */
export function releasesAtEnd(executor: object | undefined, ref: OrchestrationRef): SendEventRequest[] {
  const ex = executor as RecordingExecutor | undefined;
  if (!ex?.context?.currentLock) return [];
  const held = lastLock(ex.actions);
  if (!held) return [];
  return releases({ lockRequestId: String(held.lockRequestId), lockSet: held.lockSet ?? [] }, ex.sequenceNumber, ref.instanceId);
}

/** Responses from entities are EventRaised named by the request id; a second copy is a duplicate. */
export function entityResponseKey(event: HistoryEvent): string | undefined {
  if (
    event.EventType !== 'EventRaised' ||
    typeof event.Name !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(event.Name)
  )
    return undefined;
  if (typeof event.Input !== 'string' || !event.Input.startsWith('{"result"')) return undefined;
  return `entity-response:${event.Name.toLowerCase()}`;
}
