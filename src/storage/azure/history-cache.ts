// Histories this worker committed last, kept between episodes so that the next episode of an
// instance starts from memory instead of reading (and decoding) every row again: the Azure Storage
// provider's extended sessions, in effect. An entry is trusted only while this process holds the
// instance's partition without a break: the adapter drops a partition's entries when its lease is
// lost, released or acquired anew. Anything missed still fails the next checkpoint, which is
// guarded by the sentinel ETag the entry carries; the entry is then dropped and the episode retried
// from storage. Bounded by an estimated size and by idleness, least recently used first.

import type { HistoryEvent } from '../../domain/index.js';

export interface CachedHistory {
  executionId: string;
  /**
   * Oldest first. The entry owns the array: the next commit appends to it in place (it was the
   * history of that commit's work item, which is done with it), so that an episode costs no copy.
   */
  events: HistoryEvent[];
  /** ETag of the sentinel row after the commit that produced `events`. */
  sentinelETag: string;
  /** Control-queue partition of the instance. */
  partition: number;
}

export interface HistoryCacheLimits {
  /** Estimated bytes of all entries together; 0 turns the cache off. */
  maxBytes: number;
  /** An entry not used for this long is dropped. */
  idleInMs: number;
}

export const DEFAULT_HISTORY_CACHE_LIMITS: HistoryCacheLimits = { maxBytes: 64 * 1024 * 1024, idleInMs: 5 * 60_000 };

interface Entry extends CachedHistory {
  bytes: number;
  usedAt: number;
}

/** Rough in-memory size: two bytes per string character plus a fixed cost per field and event. */
export function estimatedBytes(events: HistoryEvent[]): number {
  let bytes = 0;
  for (const event of events) {
    bytes += 64;
    for (const value of Object.values(event)) bytes += typeof value === 'string' ? 16 + value.length * 2 : 16;
  }
  return bytes;
}

export class HistoryCache {
  /** In use order: the least recently used first. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly limits: HistoryCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.limits.maxBytes > 0;
  }

  get(instanceId: string): CachedHistory | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    if (this.now() - entry.usedAt > this.limits.idleInMs) {
      this.delete(instanceId);
      return undefined;
    }
    entry.usedAt = this.now();
    this.entries.delete(instanceId);
    this.entries.set(instanceId, entry);
    return entry;
  }

  /** Stores the history after a commit; `appended` (the events added to the previous entry) keeps the size estimate incremental. */
  set(instanceId: string, history: CachedHistory, appended?: HistoryEvent[]): void {
    if (!this.enabled) return;
    const previous = this.entries.get(instanceId);
    const bytes =
      previous && appended && previous.executionId === history.executionId
        ? previous.bytes + estimatedBytes(appended)
        : estimatedBytes(history.events);
    this.delete(instanceId);
    if (bytes > this.limits.maxBytes) return;
    this.entries.set(instanceId, { ...history, bytes, usedAt: this.now() });
    this.bytes += bytes;
    this.evict();
  }

  delete(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.entries.delete(instanceId);
    this.bytes -= entry.bytes;
  }

  /** The partition changed hands (or may have): nothing cached for it can be trusted. */
  dropPartition(partition: number): void {
    for (const [instanceId, entry] of this.entries) if (entry.partition === partition) this.delete(instanceId);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Entries and estimated bytes held (for tests and metrics). */
  size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  private evict(): void {
    const now = this.now();
    for (const [instanceId, entry] of this.entries) {
      if (this.bytes <= this.limits.maxBytes && now - entry.usedAt <= this.limits.idleInMs) break;
      this.delete(instanceId);
    }
  }
}
