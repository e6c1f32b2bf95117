// One entity batch decided without touching storage, the way the provider's entity scheduler does
// it (DurableTask.Core TaskEntityDispatcher.DetermineWork and the extension's TaskEntityShim):
// incoming messages update the scheduler state (queue, lock, suspension), then as many queued
// operations as the lock allows form the batch, followed by at most one lock request.

import { createHash } from 'node:crypto';
import { schedulerId } from '../../domain/entity-id.js';
import {
  CONTINUE_EVENT_NAME,
  isLockRequest,
  isRequestEventName,
  LOCK_ACQUIRED_RESULT,
  OUT_OF_PROC_ERROR_TYPE,
  parseRelease,
  parseRequest,
  RELEASE_EVENT_NAME,
  requestEventName,
  scheduledTimeOf,
  serializeRequest,
  serializeResponse,
  type RequestMessage,
} from '../../domain/entity-messages.js';
import { labelFromEntity, toTicks } from '../../domain/entity-ordering.js';
import type { SchedulerState } from '../../domain/entity-state.js';
import { eventRaised, fieldText, type HistoryEvent, type OrchestrationInstanceRef } from '../../domain/index.js';
import type { BatchOutcome } from './entity-executor.js';

/** Operations per batch; the rest waits in the state queue behind a `continue` message to self. */
export const MAX_OPERATIONS_PER_BATCH = 500;
/** Signals due later than this are sent back to the queue with a delay (the provider's 100 ms). */
const EARLY_TOLERANCE_IN_MS = 100;
/** Azure queues cap visibility at 7 days; later signals are re-armed when they surface. */
const MAX_DELAY_IN_MS = 6 * 24 * 3600 * 1000;
/** Applied request ids are remembered this long (and at least for the last batch) to drop redeliveries. */
const PROCESSED_RETENTION_IN_MS = 5 * 60 * 1000;
const PROCESSED_MAX = 500;

export interface EntityOutbound {
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  delayInMs?: number;
}

export interface EntityWork {
  operations: RequestMessage[];
  lockRequest?: RequestMessage;
  outbound: EntityOutbound[];
  /** Request ids taken into the state by this batch, duplicates included (they are remembered again). */
  touched: string[];
  duplicates: number;
}

/** Applies the incoming events to `state` and picks the work to do now. */
export function receiveMessages(instanceId: string, state: SchedulerState, events: HistoryEvent[], now: Date): EntityWork {
  const work: EntityWork = { operations: [], outbound: [], touched: [], duplicates: 0 };
  const lockHolder: RequestMessage[] = [];
  for (const event of inSenderOrder(events)) {
    if (event.EventType !== 'EventRaised') continue;
    const name = fieldText(event.Name);
    if (isRequestEventName(name)) {
      let request: RequestMessage;
      try {
        request = parseRequest(event.Input);
      } catch {
        continue; // not a request this scheduler can read: dropped, as the provider fails only that message
      }
      if (state.processed.has(request.id)) {
        work.duplicates++;
        work.touched.push(request.id);
        continue;
      }
      const due = request.due ? new Date(request.due) : scheduledTimeOf(name);
      const early = due ? due.getTime() - now.getTime() : 0;
      if (early > EARLY_TOLERANCE_IN_MS) {
        const at = new Date(Math.min(due!.getTime(), now.getTime() + MAX_DELAY_IN_MS));
        work.outbound.push({
          instance: { InstanceId: instanceId, ExecutionId: null },
          event: eventRaised(requestEventName(at), serializeRequest(request), now),
          delayInMs: at.getTime() - now.getTime(),
        });
        continue;
      }
      work.touched.push(request.id);
      if (state.lockedBy !== undefined && state.lockedBy === request.parent) lockHolder.push(request);
      else state.queue.push(request);
    } else if (name === RELEASE_EVENT_NAME) {
      const release = parseRelease(event.Input);
      if (state.lockedBy !== undefined && state.lockedBy === release.parent) state.lockedBy = undefined;
    } else if (name === CONTINUE_EVENT_NAME) {
      state.suspended = false;
    }
  }
  // The lock holder's messages go first: it is waiting on them.
  state.queue = [...lockHolder, ...state.queue];
  if (state.suspended) return work;
  const mayDequeue = () => state.queue.length > 0 && (state.lockedBy === undefined || state.lockedBy === state.queue[0].parent);
  while (mayDequeue()) {
    if (work.operations.length === MAX_OPERATIONS_PER_BATCH) {
      state.suspended = true;
      work.outbound.push({ instance: { InstanceId: instanceId, ExecutionId: null }, event: eventRaised(CONTINUE_EVENT_NAME, null, now) });
      break;
    }
    const request = state.queue.shift()!;
    if (isLockRequest(request)) {
      work.lockRequest = request;
      break;
    }
    work.operations.push(request);
  }
  return work;
}

/**
 * Requests from one orchestration or entity run in the order it sent them: within the batch they
 * take their sender's Timestamp order (the .NET MessageSorter's stamps); others keep queue order.
 */
function inSenderOrder(events: HistoryEvent[]): HistoryEvent[] {
  const stamped = events.map((event) => {
    if (event.EventType !== 'EventRaised' || !isRequestEventName(fieldText(event.Name))) return undefined;
    try {
      const r = parseRequest(event.Input);
      return r.parent ? { parent: r.parent, ticks: toTicks(r.Timestamp) } : undefined;
    } catch {
      return undefined;
    }
  });
  const out = [...events];
  const byParent = new Map<string, number[]>();
  stamped.forEach((s, i) => {
    if (s?.ticks !== undefined) byParent.set(s.parent, [...(byParent.get(s.parent) ?? []), i]);
  });
  for (const slots of byParent.values()) {
    const ordered = [...slots].sort((a, b) =>
      stamped[a]!.ticks! < stamped[b]!.ticks! ? -1 : stamped[a]!.ticks! > stamped[b]!.ticks! ? 1 : 0,
    );
    slots.forEach((slot, k) => (out[slot] = events[ordered[k]]));
  }
  return out;
}

/** A GUID-shaped id derived from `seed`, so a re-run batch re-sends the same ids (deduplicated by the receiver). */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Responses, signals and lock messages after the batch ran; updates `state` with the outcome. */
export function finishBatch(
  instanceId: string,
  state: SchedulerState,
  work: EntityWork,
  outcome: BatchOutcome,
  now: Date,
): EntityOutbound[] {
  const out: EntityOutbound[] = [...work.outbound];
  state.exists = outcome.exists;
  state.state = outcome.exists ? outcome.state : undefined;
  work.operations.forEach((request, i) => {
    if (request.signal || !request.parent) return;
    const result = outcome.results[i] ?? { isError: false };
    const response = serializeResponse({ result: result.result ?? null, exceptionType: result.isError ? OUT_OF_PROC_ERROR_TYPE : null });
    out.push({
      instance: { InstanceId: request.parent, ExecutionId: request.parentExecution ?? null },
      event: eventRaised(request.id, response, now),
    });
  });
  const perRequest = new Map<string, number>();
  for (const signal of outcome.signals) {
    const n = perRequest.get(signal.requestId) ?? 0;
    perRequest.set(signal.requestId, n + 1);
    const target = schedulerId(signal.target);
    const request: RequestMessage = {
      op: signal.operation,
      signal: true,
      input: signal.input ?? null,
      id: derivedId(`${instanceId}:${signal.requestId}:${n}`),
      parent: instanceId,
      // For entities the sorter persists across executions, so no execution id (TaskEntityShim).
      parentExecution: null,
      ...labelFromEntity(state.sorter, target, now),
    };
    out.push({ instance: { InstanceId: target, ExecutionId: null }, event: eventRaised('op', serializeRequest(request), now) });
  }
  const lock = work.lockRequest;
  if (lock) {
    state.lockedBy = lock.parent ?? undefined;
    const pos = (lock.pos ?? 0) + 1;
    if (pos < lock.lockset!.length) {
      const target = schedulerId(lock.lockset![pos]);
      const forwarded = { ...lock, pos, ...labelFromEntity(state.sorter, target, now) };
      out.push({ instance: { InstanceId: target, ExecutionId: null }, event: eventRaised('op', serializeRequest(forwarded), now) });
    } else {
      const granted = serializeResponse({ result: LOCK_ACQUIRED_RESULT });
      out.push({
        instance: { InstanceId: lock.parent!, ExecutionId: lock.parentExecution ?? null },
        event: eventRaised(lock.id, granted, now),
      });
    }
  }
  rememberProcessed(state, work.touched, now);
  return out;
}

function rememberProcessed(state: SchedulerState, ids: string[], now: Date): void {
  const at = now.getTime();
  for (const id of ids) state.processed.set(id, at);
  const current = new Set(ids);
  const kept = [...state.processed].filter(([id, when]) => current.has(id) || at - when <= PROCESSED_RETENTION_IN_MS);
  kept.sort((a, b) => Number(current.has(b[0])) - Number(current.has(a[0])) || b[1] - a[1]);
  state.processed = new Map(kept.slice(0, Math.max(PROCESSED_MAX, current.size)));
}
