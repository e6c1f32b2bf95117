// Server-side batch operations (taskhub addition): one operation over a list of instance ids or
// over everything matching the list's filter, with per-instance outcomes and followable progress.

import type { HubRef, InstanceFilter } from '../contract.js';

export const BATCH_OPERATIONS = ['terminate', 'suspend', 'resume', 'rewind', 'restart', 'raiseEvent', 'purge'] as const;
export type BatchOperation = (typeof BATCH_OPERATIONS)[number];

export interface BatchRequest {
  operation: BatchOperation;
  /** Explicit targets; exclusive with `filter`. */
  instanceIds?: string[];
  /** Everything matching, resolved once by the plan; exclusive with `instanceIds`. */
  filter?: InstanceFilter;
  /** Token from the plan of the same filter and operation; required to run a filter batch. */
  confirm?: string;
  reason?: string;
  eventName?: string;
  eventData?: unknown;
  restartWithNewInstanceId?: boolean;
  /** Set by the service, not the caller: raiseEvent's key, so a retried send applies once. */
  idempotencyKey?: string;
}

/** The answer to a filter batch without `confirm`: what would run, and the token to run it. */
export interface BatchPlan {
  operation: BatchOperation;
  matched: number;
  confirm: string;
  /** ISO 8601; the token (and the frozen list of ids behind it) is forgotten then. */
  expiresAt: string;
}

export type BatchOutcome =
  | { instanceId: string; outcome: 'done'; newInstanceId?: string }
  | { instanceId: string; outcome: 'skipped'; reason: string }
  | { instanceId: string; outcome: 'failed'; error: string; message: string };

export interface BatchProgress {
  id: string;
  operation: BatchOperation;
  taskHub: string;
  state: 'Running' | 'Completed' | 'Canceled';
  total: number;
  done: number;
  skipped: number;
  failed: number;
  createdTime: string;
  completedTime?: string;
  /** Outcomes from index `outcomesFrom` on, in completion order. */
  outcomesFrom: number;
  outcomes: BatchOutcome[];
}

export interface BatchService {
  /** Resolves a filter batch to a frozen id list and a confirmation token; runs nothing. */
  plan(hub: HubRef, request: BatchRequest): Promise<BatchPlan>;
  /** Starts a batch (ids, or a confirmed plan) and returns its first progress snapshot. */
  start(hub: HubRef, request: BatchRequest): Promise<BatchProgress>;
  /** Progress with outcomes from index `from`; throws BatchNotFound. */
  get(id: string, from?: number): BatchProgress;
}
