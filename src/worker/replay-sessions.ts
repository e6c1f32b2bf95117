// Orchestrator runs kept alive between episodes: instead of replaying an instance's whole history
// through its generator every episode, the next episode feeds only the events added since to the
// run the last episode left suspended. A run is reused only when the episode's history continues
// the very event objects it consumed (the store hands the worker its cached history as the same
// objects its last commit wrote); a history read from storage is new objects and replays afresh.
// Bounded by count and idleness, least recently used first.

import type { HistoryEvent } from '../domain/index.js';

export interface ReplaySessionLimits {
  maxSessions: number;
  idleInMs: number;
}

export const DEFAULT_REPLAY_SESSION_LIMITS: ReplaySessionLimits = { maxSessions: 2_000, idleInMs: 5 * 60_000 };

/** A suspended run: the executor state after consuming `consumed` events, the last of them `last`. */
export interface ReplaySession<Run> {
  run: Run;
  consumed: number;
  last: HistoryEvent | undefined;
}

interface Entry<Run> extends ReplaySession<Run> {
  usedAt: number;
}

export class ReplaySessions<Run = unknown> {
  private readonly sessions = new Map<string, Entry<Run>>();

  constructor(
    private readonly limits: ReplaySessionLimits = DEFAULT_REPLAY_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The run to continue for `history` (removed: the caller keeps it again if it stays usable). */
  take(instanceId: string, history: readonly HistoryEvent[]): ReplaySession<Run> | undefined {
    const entry = this.sessions.get(instanceId);
    if (!entry) return undefined;
    this.sessions.delete(instanceId);
    const fresh = this.now() - entry.usedAt <= this.limits.idleInMs;
    const continues = entry.consumed > 0 && entry.consumed <= history.length && history[entry.consumed - 1] === entry.last;
    return fresh && continues ? entry : undefined;
  }

  keep(instanceId: string, session: ReplaySession<Run>): void {
    if (this.limits.maxSessions <= 0) return;
    this.sessions.delete(instanceId);
    this.sessions.set(instanceId, { ...session, usedAt: this.now() });
    while (this.sessions.size > this.limits.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
  }

  forget(instanceId: string): void {
    this.sessions.delete(instanceId);
  }

  get size(): number {
    return this.sessions.size;
  }
}
