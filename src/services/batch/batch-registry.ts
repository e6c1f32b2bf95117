// In-memory, per-process registry of batch jobs and of confirmation tokens (a plan's frozen id
// list). Another server process does not see them; entries expire after a TTL.

import { randomUUID } from 'node:crypto';
import type { HubRef } from '../contract.js';
import type { BatchOperation, BatchOutcome, BatchProgress } from './batch-contract.js';

export const PLAN_TTL_IN_MS = 15 * 60_000;
export const JOB_TTL_IN_MS = 60 * 60_000;
const MAX_KEPT_JOBS = 200;

export interface PlanEntry {
  hub: HubRef;
  operation: BatchOperation;
  /** Canonical filter text: a token confirms exactly the filter it was planned for. */
  filterKey: string;
  instanceIds: string[];
  expiresAtInMs: number;
}

export interface Job {
  progress: Omit<BatchProgress, 'outcomesFrom' | 'outcomes'>;
  outcomes: BatchOutcome[];
  finishedAtInMs?: number;
}

export class BatchRegistry {
  private readonly plans = new Map<string, PlanEntry>();
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly now: () => number = Date.now) {}

  addPlan(entry: Omit<PlanEntry, 'expiresAtInMs'>): { token: string; expiresAtInMs: number } {
    this.sweep();
    const token = randomUUID();
    const expiresAtInMs = this.now() + PLAN_TTL_IN_MS;
    this.plans.set(token, { ...entry, expiresAtInMs });
    return { token, expiresAtInMs };
  }

  /** A plan stays usable until it expires, so a retry of the same confirmed batch runs the same ids. */
  plan(token: string): PlanEntry | undefined {
    this.sweep();
    return this.plans.get(token);
  }

  addJob(hub: HubRef, operation: BatchOperation, total: number): { id: string; job: Job } {
    this.sweep();
    const id = randomUUID();
    const job: Job = {
      progress: {
        id,
        operation,
        taskHub: hub.taskHub,
        state: 'Running',
        total,
        done: 0,
        skipped: 0,
        failed: 0,
        createdTime: new Date(this.now()).toISOString(),
      },
      outcomes: [],
    };
    this.jobs.set(id, job);
    return { id, job };
  }

  job(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, plan] of this.plans) if (plan.expiresAtInMs <= now) this.plans.delete(token);
    for (const [id, job] of this.jobs)
      if (job.finishedAtInMs !== undefined && job.finishedAtInMs + JOB_TTL_IN_MS <= now) this.jobs.delete(id);
    // Bound memory: drop the oldest finished jobs past the cap.
    const finished = [...this.jobs].filter(([, job]) => job.finishedAtInMs !== undefined);
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_KEPT_JOBS))) this.jobs.delete(id);
  }
}
