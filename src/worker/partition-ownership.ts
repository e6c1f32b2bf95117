// Control-queue partition ownership through the store's leases: each partition is processed by
// one worker at a time; expired leases (a crashed worker) are taken over.

import type pino from 'pino';
import type { PartitionLease, WorkItemStore } from '../storage/port.js';

export interface OwnershipOptions {
  owner: string;
  leaseDurationInMs: number;
}

/** How many lease durations past its expiry a partition stays promised to the worker that asked for it. */
const REQUEST_HOLD_IN_LEASES = 3;

export class PartitionOwnership {
  private readonly owned = new Map<number, PartitionLease>();
  /** When each held lease was acquired: the start of our unbroken processing of that partition. */
  private readonly acquiredAt = new Map<number, number>();

  constructor(
    private readonly store: WorkItemStore,
    private readonly options: OwnershipOptions,
    private readonly logger: pino.Logger,
  ) {}

  isOwned(partition: number): boolean {
    const lease = this.owned.get(partition);
    return lease !== undefined && lease.expiresAt.getTime() > Date.now();
  }

  /** When our unbroken ownership of `partition` began (epoch ms); undefined when we do not own it. */
  ownedSince(partition: number): number | undefined {
    return this.isOwned(partition) ? this.acquiredAt.get(partition) : undefined;
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].filter((p) => this.isOwned(p)).sort((a, b) => a - b);
  }

  /**
   * Renews what we hold (handing over partitions another worker asked for), claims free or expired
   * partitions up to a fair share, and asks the busiest worker for one when we have less than that.
   */
  async refresh(): Promise<number[]> {
    const { owner, leaseDurationInMs } = this.options;
    for (const [partition, held] of [...this.owned]) {
      try {
        const lease = await this.store.renewLease(held, leaseDurationInMs);
        if (lease?.nextOwner && lease.nextOwner !== owner) {
          this.owned.delete(partition);
          this.acquiredAt.delete(partition);
          await this.store.releaseLease(lease);
          this.logger.debug({ partition, to: lease.nextOwner }, 'handed over control-queue partition');
        } else if (lease) this.owned.set(partition, lease);
        else {
          this.owned.delete(partition);
          this.acquiredAt.delete(partition);
          this.logger.info({ partition }, 'lost control-queue partition');
        }
      } catch (error) {
        this.logger.warn({ partition, err: error }, 'partition lease renewal failed');
      }
    }
    const now = Date.now();
    const leases = await this.store.listLeases();
    const live = (l: { owner: string; expiresAt: Date }) => l.owner !== '' && l.expiresAt.getTime() > now;
    // A request (NextOwner) is honoured, and its requester counted as a worker, for a few lease
    // durations past the lease's expiry: long enough for a busy requester to claim the partition
    // (a shorter hold lets the old owner take it back and the two trade it, each trade hiding the
    // messages in flight), but not for ever, so a requester that died leaves no partition unowned.
    const requestHeld = (l: { nextOwner?: string; expiresAt: Date }): l is { nextOwner: string; expiresAt: Date } =>
      l.nextOwner !== undefined && l.expiresAt.getTime() + REQUEST_HOLD_IN_LEASES * leaseDurationInMs > now;
    const reservedForOther = (l: { nextOwner?: string; expiresAt: Date }) => requestHeld(l) && l.nextOwner !== owner;
    const workers = new Set([owner, ...leases.filter(live).map((l) => l.owner), ...leases.filter(requestHeld).map((l) => l.nextOwner)]);
    const fairShare = Math.ceil(leases.length / workers.size);
    for (const lease of leases) {
      if (this.owned.size >= fairShare) break;
      if (this.owned.has(lease.partition) || live(lease) || reservedForOther(lease)) continue;
      const acquired = await this.store.tryAcquireLease(lease.partition, owner, leaseDurationInMs).catch(() => undefined);
      if (acquired) {
        this.owned.set(lease.partition, acquired);
        this.acquiredAt.set(lease.partition, Date.now());
        this.logger.debug({ partition: lease.partition }, 'acquired control-queue partition');
      }
    }
    if (this.owned.size < Math.floor(leases.length / workers.size)) {
      const byOwner = new Map<string, number>();
      for (const l of leases.filter(live)) byOwner.set(l.owner, (byOwner.get(l.owner) ?? 0) + 1);
      const [busiest, held] = [...byOwner].filter(([o]) => o !== owner).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
      const candidate = leases.find((l) => l.owner === busiest && live(l) && !l.nextOwner);
      if (candidate && held > fairShare - 1) await this.store.requestLease(candidate.partition, owner).catch(() => undefined);
    }
    return this.ownedPartitions();
  }

  async releaseAll(): Promise<void> {
    const leases = [...this.owned.values()];
    this.owned.clear();
    this.acquiredAt.clear();
    await Promise.all(leases.map((lease) => this.store.releaseLease(lease).catch(() => undefined)));
  }
}
