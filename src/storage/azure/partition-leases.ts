// Partition ownership in the `{hub}Partitions` table (the layout of the provider's table partition
// manager): one row per control queue, claimed by compare-and-swap on its ETag.

import type { TableClient } from '@azure/data-tables';
import type { PartitionLease, PartitionLeaseInfo } from '../port.js';
import { isConflict, isNotFound } from './clients.js';
import type { HubResourceNames } from './names.js';

interface LeaseRow {
  partitionKey: string;
  rowKey: string;
  CurrentOwner?: string;
  NextOwner?: string;
  OwnedSince?: Date;
  LastRenewal?: Date;
  ExpiresAt?: Date;
  IsDraining?: boolean;
  etag: string;
}

export class PartitionLeases {
  private rowsReady = false;

  constructor(
    private readonly table: TableClient,
    private readonly names: HubResourceNames,
    private readonly partitionCount: () => Promise<number>,
  ) {}

  /** Creates the table and one row per partition (existing rows are kept). */
  private async ensureRows(): Promise<void> {
    if (this.rowsReady) return;
    await this.table.createTable();
    const count = await this.partitionCount();
    for (let p = 0; p < count; p++) {
      await this.table.createEntity({ partitionKey: '', rowKey: this.names.controlQueue(p), IsDraining: false }).catch((error: unknown) => {
        if (!isConflict(error)) throw error;
      });
    }
    this.rowsReady = true;
  }

  private async write(row: LeaseRow, fields: Partial<LeaseRow>): Promise<PartitionLease | undefined> {
    const { etag, timestamp: _timestamp, ...entity } = row as LeaseRow & { timestamp?: unknown };
    try {
      await this.table.updateEntity({ ...entity, ...fields }, 'Replace', { etag });
      return {
        partition: Number(row.rowKey.slice(-2)),
        owner: String(fields.CurrentOwner ?? ''),
        expiresAt: fields.ExpiresAt ?? new Date(0),
        nextOwner: ('NextOwner' in fields ? fields.NextOwner : row.NextOwner) || undefined,
      };
    } catch (error) {
      if (isConflict(error) || isNotFound(error)) return undefined;
      throw error;
    }
  }

  async tryAcquire(partition: number, owner: string, durationInMs: number): Promise<PartitionLease | undefined> {
    await this.ensureRows();
    const row = (await this.table.getEntity('', this.names.controlQueue(partition))) as unknown as LeaseRow;
    const now = new Date();
    const held = row.CurrentOwner && row.CurrentOwner !== owner && row.ExpiresAt && new Date(row.ExpiresAt) > now;
    if (held) return undefined;
    return this.write(row, {
      CurrentOwner: owner,
      NextOwner: undefined,
      OwnedSince: row.CurrentOwner === owner && row.OwnedSince ? row.OwnedSince : now,
      LastRenewal: now,
      ExpiresAt: new Date(now.getTime() + durationInMs),
      IsDraining: false,
    });
  }

  async renew(lease: PartitionLease, durationInMs: number): Promise<PartitionLease | undefined> {
    const row = (await this.table.getEntity('', this.names.controlQueue(lease.partition))) as unknown as LeaseRow;
    if (row.CurrentOwner !== lease.owner) return undefined;
    const now = new Date();
    return this.write(row, { CurrentOwner: lease.owner, LastRenewal: now, ExpiresAt: new Date(now.getTime() + durationInMs) });
  }

  async list(): Promise<PartitionLeaseInfo[]> {
    await this.ensureRows();
    const out: PartitionLeaseInfo[] = [];
    for await (const row of this.table.listEntities<LeaseRow>({ queryOptions: { filter: "PartitionKey eq ''" } })) {
      out.push({
        partition: Number(row.rowKey.slice(-2)),
        owner: row.CurrentOwner ?? '',
        nextOwner: row.NextOwner || undefined,
        expiresAt: row.ExpiresAt ? new Date(row.ExpiresAt) : new Date(0),
      });
    }
    return out;
  }

  async request(partition: number, requester: string): Promise<void> {
    const row = (await this.table.getEntity('', this.names.controlQueue(partition))) as unknown as LeaseRow;
    if (row.NextOwner) return;
    await this.write(row, { NextOwner: requester });
  }

  /**
   * Gives the partition up, keeping ExpiresAt as the provider's ReleaseLease does: the worker that
   * asked for it (NextOwner) claims it, and if that worker died, others may once the promise lapses
   * (PartitionOwnership), so no partition is left without an owner.
   */
  async release(lease: PartitionLease): Promise<void> {
    const row = (await this.table.getEntity('', this.names.controlQueue(lease.partition))) as unknown as LeaseRow;
    if (row.CurrentOwner !== lease.owner) return;
    // No CurrentOwner column at all: the provider reads a free lease as CurrentOwner == null.
    await this.write(row, { CurrentOwner: undefined, IsDraining: false });
  }
}
