// The entity scheduler's persisted state and status, as the extension/provider keep them:
// SchedulerState JSON in the Instances row's Input (and the ExecutionStarted input of the
// entity's current execution), EntityStatus JSON in CustomStatus. Pure; see
// EntityScheduler/SchedulerState.cs and EntityStatus.cs (extension) and
// DurableTask.Core/Entities/StateFormat (native form: no `exists`, existence = state present).

import { parseRequest, serializeRequest, type RequestMessage } from './entity-messages.js';

export interface SchedulerState {
  exists: boolean;
  /** JSON text of the entity state; undefined when the entity does not exist. */
  state?: string;
  /** Operations and lock requests waiting (for a lock, or behind a lock request). */
  queue: RequestMessage[];
  /** Instance id of the orchestration holding the lock. */
  lockedBy?: string;
  suspended: boolean;
  /** The .NET MessageSorter, carried over unchanged (taskhub orders by queue arrival). */
  sorter: Record<string, unknown>;
  /**
   * taskhub's own bookkeeping, ignored by .NET readers: request ids already applied, with the
   * time they were applied, so a message redelivered after a crash is not applied twice.
   */
  processed: Map<string, number>;
}

export const PROCESSED_FIELD = 'taskhubProcessed';

export function emptySchedulerState(): SchedulerState {
  return { exists: false, queue: [], suspended: false, sorter: {}, processed: new Map() };
}

/** Reads the Input text of an entity row; null/empty means a fresh (or implicitly deleted) entity. */
export function parseSchedulerState(text: string | null | undefined): SchedulerState {
  const state = emptySchedulerState();
  if (text === null || text === undefined || text.trim() === '' || text.trim() === 'null') return state;
  const o = JSON.parse(text) as Record<string, unknown>;
  if (!o || typeof o !== 'object') return state;
  if (typeof o.state === 'string') state.state = o.state;
  state.exists = o.exists === true || state.state !== undefined;
  if (Array.isArray(o.queue)) state.queue = o.queue.map((m) => parseRequest(m));
  if (typeof o.lockedBy === 'string') state.lockedBy = o.lockedBy;
  state.suspended = o.suspended === true;
  if (o.sorter && typeof o.sorter === 'object') state.sorter = o.sorter as Record<string, unknown>;
  const processed = o[PROCESSED_FIELD];
  if (processed && typeof processed === 'object') {
    for (const [id, at] of Object.entries(processed as Record<string, unknown>)) if (typeof at === 'number') state.processed.set(id, at);
  }
  return state;
}

/** Idle, deleted and unlocked: the provider's `IsEmpty` (clean-entity-storage may remove it). */
export function isEmptyState(state: SchedulerState): boolean {
  return !state.exists && state.queue.length === 0 && state.lockedBy === undefined;
}

/** The extension's field order; defaults omitted as Json.NET's DefaultValueHandling.Ignore omits them. */
export function serializeSchedulerState(state: SchedulerState): string {
  const parts: string[] = [];
  if (state.exists) parts.push('"exists":true');
  if (state.exists && state.state !== undefined) parts.push(`"state":${JSON.stringify(state.state)}`);
  if (state.queue.length > 0) parts.push(`"queue":[${state.queue.map(serializeRequest).join(',')}]`);
  if (state.lockedBy !== undefined) parts.push(`"lockedBy":${JSON.stringify(state.lockedBy)}`);
  if (state.suspended) parts.push('"suspended":true');
  parts.push(`"sorter":${JSON.stringify(state.sorter)}`);
  if (state.processed.size > 0) parts.push(`"${PROCESSED_FIELD}":${JSON.stringify(Object.fromEntries(state.processed))}`);
  return `{${parts.join(',')}}`;
}

export interface EntityStatus {
  entityExists: boolean;
  queueSize: number;
  lockedBy?: string;
}

/** CustomStatus text: `{"entityExists":true,"queueSize":2,"lockedBy":"..."}`, defaults omitted. */
export function serializeEntityStatus(state: SchedulerState): string {
  const status: Record<string, unknown> = {};
  if (state.exists) status.entityExists = true;
  if (state.queue.length > 0) status.queueSize = state.queue.length;
  if (state.lockedBy !== undefined) status.lockedBy = state.lockedBy;
  return JSON.stringify(status);
}

export function parseEntityStatus(text: string | null | undefined): EntityStatus | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (!o || typeof o !== 'object') return undefined;
    return {
      entityExists: o.entityExists === true,
      queueSize: typeof o.queueSize === 'number' ? o.queueSize : 0,
      ...(typeof o.lockedBy === 'string' ? { lockedBy: o.lockedBy } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The provider's cheap existence test on CustomStatus (EntityStatus.TestEntityExists). */
export function statusSaysExists(customStatus: string | null | undefined): boolean {
  return typeof customStatus === 'string' && customStatus.includes('entityExists');
}
