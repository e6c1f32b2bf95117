// Control-queue partition ownership through the store's leases: each partition is processed by
// one worker at a time; expired leases (a crashed worker) are taken over.

import type pino from 'pino';
import type { PartitionLease, TaskHubWorkerStore } from '../storage/port.js';

export interface OwnershipOptions {
  owner: string;
  leaseDurationInMs: number;
}

export class PartitionOwnership {
  private readonly owned = new Map<number, PartitionLease>();

  constructor(
    private readonly store: TaskHubWorkerStore,
    private readonly options: OwnershipOptions,
    private readonly logger: pino.Logger,
  ) {}

  isOwned(partition: number): boolean {
    const lease = this.owned.get(partition);
    return lease !== undefined && lease.expiresAt.getTime() > Date.now();
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].filter((p) => this.isOwned(p)).sort((a, b) => a - b);
  }

  /** Renews what we hold and claims free or expired partitions. Returns the partitions now owned. */
  async refresh(): Promise<number[]> {
    const count = await this.store.partitionCount();
    const { owner, leaseDurationInMs } = this.options;
    await Promise.all(
      Array.from({ length: count }, async (_, partition) => {
        const held = this.owned.get(partition);
        try {
          const lease = held
            ? await this.store.renewLease(held, leaseDurationInMs)
            : await this.store.tryAcquireLease(partition, owner, leaseDurationInMs);
          if (lease) {
            if (!held) this.logger.debug({ partition }, 'acquired control-queue partition');
            this.owned.set(partition, lease);
          } else if (held) {
            this.logger.info({ partition }, 'lost control-queue partition');
            this.owned.delete(partition);
          }
        } catch (error) {
          this.logger.warn({ partition, err: error }, 'partition lease operation failed');
        }
      }),
    );
    return this.ownedPartitions();
  }

  async releaseAll(): Promise<void> {
    const leases = [...this.owned.values()];
    this.owned.clear();
    await Promise.all(leases.map((lease) => this.store.releaseLease(lease).catch(() => undefined)));
  }
}
