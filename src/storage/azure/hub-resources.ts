// The hub as a set of resources: whether it exists, creating and deleting it, and its partition
// count (Partitions table row count, else `taskhub.json`, else the configured default).

import { odata } from '@azure/data-tables';
import { ignoreNotFound, isNotFound, type AccountClients } from './clients.js';
import type { HubResourceNames } from './names.js';

export class HubResources {
  private partitions?: Promise<number>;

  constructor(
    private readonly clients: AccountClients,
    private readonly names: HubResourceNames,
    private readonly defaultPartitionCount: number,
  ) {}

  private async tableExists(name: string): Promise<boolean> {
    const pages = this.clients.tableService.listTables({ queryOptions: { filter: odata`TableName eq ${name}` } }).byPage();
    const first = await pages.next();
    return !first.done && first.value.length > 0;
  }

  /** True when the Instances and History tables exist. */
  async exists(): Promise<boolean> {
    const [instances, history] = await Promise.all([
      this.tableExists(this.names.instancesTable),
      this.tableExists(this.names.historyTable),
    ]);
    return instances && history;
  }

  async ping(): Promise<void> {
    await this.clients.tableService.listTables().byPage({ maxPageSize: 1 }).next();
  }

  /** The Partitions table and the blob containers; tables and queues are deleted by their modules. */
  async deleteLeasesAndBlobs(): Promise<void> {
    await Promise.all([
      ignoreNotFound(this.clients.table(this.names.partitionsTable).deleteTable()),
      ...[this.names.largeMessagesContainer, this.names.leasesContainer, this.names.appLeaseContainer].map((c) =>
        ignoreNotFound(this.clients.container(c).deleteIfExists()),
      ),
    ]);
  }

  async blobLeaseNames(): Promise<string[]> {
    // taskhub.json is written by every provider version; the lease blobs (`default/`, `intent/`,
    // `ownership/` + control queue name) only by the blob-lease partition managers.
    const names: string[] = [];
    try {
      for await (const blob of this.clients.container(this.names.leasesContainer).listBlobsFlat()) {
        if (blob.name !== 'taskhub.json') names.push(blob.name);
        if (names.length >= 16) break;
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return names;
  }

  /** Cached; forgotten after a failure and after the hub is deleted. */
  partitionCount(): Promise<number> {
    this.partitions ??= this.discoverPartitionCount().catch((error: unknown) => {
      this.partitions = undefined;
      throw error;
    });
    return this.partitions;
  }

  forgetPartitionCount(): void {
    this.partitions = undefined;
  }

  private async discoverPartitionCount(): Promise<number> {
    try {
      let rows = 0;
      for await (const _row of this.clients.table(this.names.partitionsTable).listEntities({ queryOptions: { select: ['RowKey'] } }))
        rows++;
      if (rows > 0) return rows;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    try {
      const blob = this.clients.container(this.names.leasesContainer).getBlobClient('taskhub.json');
      const info = JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as { PartitionCount?: number };
      if (Number.isInteger(info.PartitionCount) && info.PartitionCount! > 0) return info.PartitionCount!;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return this.defaultPartitionCount;
  }
}
