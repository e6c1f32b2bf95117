// The long-poll waiters of one task hub, watched together. A waiter costs no storage read of its
// own while it waits:
// - in-process checkpoint notifications (InstanceEvents) are gathered for a few milliseconds and
//   answered by one store call for all the instances notified meanwhile (a burst of completions is
//   one query, not a read per instance);
// - instances the local worker processes (and so notifies) are not polled at all;
// - every other instance is polled as a group: at each tick, one query asks which of all the due
//   instances finished, and the rows it returns are the answers. Ticks fall on multiples of each
//   waiter's retry interval, so waiters with the same interval share every tick whenever they started.
// Every storage call of the group goes through a few slots: a thousand clients arriving at once
// queue for their first read instead of each opening a request and timing the storage out.

import { isEntityInstanceId } from '../domain/entity-id.js';
import { isTerminal, Slots, type InstanceState } from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { InstanceEvents } from './instance-events.js';

/** After the local worker takes a partition over, the previous owner may still finish an episode. */
const HANDOVER_GRACE_IN_MS = 5_000;
/** Storage's clock may be this far behind ours: rows written that much before a check still count. */
const CLOCK_SKEW_IN_MS = 30_000;
/** A notification may arrive before the row reads as finished; look once more after this. */
const RECHECK_AFTER_NOTIFY_IN_MS = 50;
/** Notifications arriving this close together are checked by one store call. */
const GATHER_NOTIFICATIONS_IN_MS = 5;
/** Storage calls of one group in flight at once (first reads, notification checks, ticks). */
const READ_SLOTS = 32;
/** Waiters due this soon after a tick are polled in it rather than in a tick of their own. */
const COALESCE_IN_MS = 15;
const MIN_INTERVAL_IN_MS = 10;

interface Waiter {
  intervalInMs: number;
  nextDueAt: number;
  /** Start of the last read that showed the instance still running. */
  checkedAt: number;
  finish(state: InstanceState): void;
  fail(error: unknown): void;
}

interface Entry {
  instanceId: string;
  /** wait() calls in progress, including those still making their first read. */
  joined: number;
  waiters: Set<Waiter>;
  /** Terminal notifications received; a waiter compares it across its first read. */
  notifications: number;
  /** A notification said finished but the row did not yet: poll it whoever processes it. */
  suspect: boolean;
  /** Checks still owed to notifications: the gathered one, then one recheck. */
  checksOwed: number;
  unsubscribe?: () => void;
}

export interface GroupWaitOptions {
  timeoutInMs: number;
  retryIntervalInMs: number;
  abortSignal?: AbortSignal;
}

/** `finished` holds the terminal state; otherwise `state` is the last state read (for the 202). */
export type GroupWaitResult = { finished: true; state: InstanceState } | { finished: false; state: InstanceState };

const nextGridPoint = (now: number, intervalInMs: number) => (Math.floor(now / intervalInMs) + 1) * intervalInMs;

export class WaitGroup {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private ticking = false;
  private readonly reads = new Slots(READ_SLOTS);
  /** Entries notified since the last gathered check. */
  private notified = new Set<Entry>();
  private gatherTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ManagementStore,
    private readonly events: InstanceEvents | undefined,
    /** The local worker serves this store's hub: its ownership decides which instances need no polling. */
    private readonly localWorker: boolean,
  ) {}

  /** Waiters currently held (not counting those still making their first read). */
  size(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry.waiters.size;
    return n;
  }

  /** Resolves with undefined for an unknown instance. */
  async wait(instanceId: string, options: GroupWaitOptions): Promise<GroupWaitResult | undefined> {
    const entry = this.join(instanceId);
    try {
      const seen = entry.notifications;
      const readAt = Date.now();
      const first = await this.read(instanceId);
      if (!first) return undefined;
      if (isTerminal(first.runtimeStatus)) return { finished: true, state: first };
      if (options.timeoutInMs <= 0 || options.abortSignal?.aborted) return { finished: false, state: first };
      const state = await this.hold(entry, readAt, options, entry.notifications !== seen);
      return state ? { finished: true, state } : { finished: false, state: first };
    } finally {
      this.leave(entry);
    }
  }

  private hold(entry: Entry, readAt: number, options: GroupWaitOptions, notifiedMeanwhile: boolean) {
    return new Promise<InstanceState | undefined>((resolve, reject) => {
      const intervalInMs = Math.max(options.retryIntervalInMs, MIN_INTERVAL_IN_MS);
      const done = () => {
        clearTimeout(deadline);
        options.abortSignal?.removeEventListener('abort', onAbort);
        entry.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        intervalInMs,
        // It has just read: its first poll is at the next tick of its interval, shared with the others.
        nextDueAt: nextGridPoint(Date.now(), intervalInMs),
        checkedAt: readAt,
        finish: (state) => {
          done();
          resolve(state);
        },
        fail: (error) => {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      };
      const onAbort = () => {
        done();
        resolve(undefined);
      };
      const deadline = setTimeout(onAbort, options.timeoutInMs);
      options.abortSignal?.addEventListener('abort', onAbort, { once: true });
      entry.waiters.add(waiter);
      if (notifiedMeanwhile) this.checkSoon(entry, 1);
      if (waiter.nextDueAt < this.timerAt) this.schedule(waiter.nextDueAt);
    });
  }

  private read(instanceId: string): Promise<InstanceState | undefined> {
    return this.reads.run(() => this.store.getInstance(instanceId, { fetchInput: true }));
  }

  private join(instanceId: string): Entry {
    let entry = this.entries.get(instanceId);
    if (!entry) {
      const created: Entry = {
        instanceId,
        joined: 0,
        waiters: new Set(),
        notifications: 0,
        suspect: false,
        checksOwed: 0,
      };
      created.unsubscribe = this.events?.subscribe(this.store.hubName, instanceId, (change) => {
        if (!isTerminal(change.runtimeStatus)) return;
        created.notifications++;
        if (created.waiters.size > 0) this.checkSoon(created, 2);
      });
      this.entries.set(instanceId, created);
      entry = created;
    }
    entry.joined++;
    return entry;
  }

  private leave(entry: Entry): void {
    if (--entry.joined > 0) return;
    entry.unsubscribe?.();
    this.entries.delete(entry.instanceId);
  }

  /** Queues a notified instance for the next gathered check; `checks` counts the recheck too. */
  private checkSoon(entry: Entry, checks: number): void {
    entry.checksOwed = Math.max(entry.checksOwed, checks);
    this.notified.add(entry);
    this.gatherTimer ??= setTimeout(() => void this.checkNotified(), GATHER_NOTIFICATIONS_IN_MS).unref();
  }

  /**
   * One store call for every instance notified since the last: those it shows finished are
   * answered; the others get their recheck a little later, and stay polled by the group whoever
   * processes them. A failed check ends no wait: the group's ticks and the deadline still apply.
   */
  private async checkNotified(): Promise<void> {
    this.gatherTimer = undefined;
    const batch = [...this.notified].filter((entry) => entry.waiters.size > 0);
    this.notified = new Set();
    if (batch.length === 0) return;
    let since = Infinity;
    for (const entry of batch) for (const waiter of entry.waiters) since = Math.min(since, waiter.checkedAt);
    const startedAt = Date.now();
    let finished = new Map<string, InstanceState>();
    try {
      const ids = batch.map((entry) => entry.instanceId);
      finished = await this.reads.run(() => this.store.finishedAmong(ids, new Date(since - CLOCK_SKEW_IN_MS)));
    } catch {
      // Left to the ticks: the entries become suspect below, so they are polled.
    }
    for (const entry of batch) {
      const state = finished.get(entry.instanceId);
      if (state) {
        this.finish(entry, state);
        continue;
      }
      for (const waiter of entry.waiters) waiter.checkedAt = Math.max(waiter.checkedAt, startedAt);
      entry.suspect = true;
      if (--entry.checksOwed > 0) setTimeout(() => this.checkSoon(entry, entry.checksOwed), RECHECK_AFTER_NOTIFY_IN_MS).unref();
    }
  }

  private finish(entry: Entry, state: InstanceState): void {
    entry.suspect = false;
    for (const waiter of [...entry.waiters]) waiter.finish(state);
  }

  private schedule(at: number): void {
    if (this.ticking) return; // the tick reschedules when it ends
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  /** Polls every due instance the local worker does not notify about, in one store query. */
  private async tick(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.ticking = true;
    const due: Entry[] = [];
    try {
      const now = Date.now();
      let since = Infinity;
      for (const entry of this.entries.values()) {
        let isDue = false;
        let checkedAt = Infinity;
        for (const waiter of entry.waiters) {
          checkedAt = Math.min(checkedAt, waiter.checkedAt);
          if (waiter.nextDueAt > now + COALESCE_IN_MS) continue;
          isDue = true;
          waiter.nextDueAt = nextGridPoint(now, waiter.intervalInMs);
        }
        if (!isDue || (await this.notifiedHere(entry, checkedAt))) continue;
        due.push(entry);
        since = Math.min(since, checkedAt);
      }
      if (due.length > 0) {
        const startedAt = Date.now();
        const ids = due.map((entry) => entry.instanceId);
        const finished = await this.reads.run(() => this.store.finishedAmong(ids, new Date(since - CLOCK_SKEW_IN_MS)));
        for (const entry of due) {
          const state = finished.get(entry.instanceId);
          if (state) this.finish(entry, state);
          else for (const waiter of entry.waiters) waiter.checkedAt = Math.max(waiter.checkedAt, startedAt);
        }
      }
    } catch (error) {
      for (const entry of due) for (const waiter of [...entry.waiters]) waiter.fail(error);
    } finally {
      this.ticking = false;
      let next = Infinity;
      for (const entry of this.entries.values()) for (const waiter of entry.waiters) next = Math.min(next, waiter.nextDueAt);
      if (next < Infinity) this.schedule(next);
    }
  }

  /**
   * True when the local worker will notify this instance's completion: it processes the instance's
   * partition, and has done so since before the waiters last saw the instance running (so no other
   * process can have finished it unseen in between).
   */
  private async notifiedHere(entry: Entry, checkedAt: number): Promise<boolean> {
    if (!this.localWorker || !this.events || entry.suspect || isEntityInstanceId(entry.instanceId)) return false;
    const since = await this.events.ownedSince(this.store.hubName, entry.instanceId);
    return since !== undefined && checkedAt >= since + HANDOVER_GRACE_IN_MS;
  }
}
