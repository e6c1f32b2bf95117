// Management side of the Azure Storage task hub store (what the HTTP API and the CLI need).

import { odata } from '@azure/data-tables';
import { DomainError, executionStarted } from '../../domain/index.js';
import type { PurgeFilter, QueryOptions, SendOptions, TaskHubManagementStore } from '../port.js';
import type { CreateInstanceRequest, HistoryPage, InstanceQuery, Page } from '../port.js';
import type { HistoryEvent, InstanceState, OrchestrationInstanceRef, RuntimeStatus } from '../../domain/index.js';
import { ignoreNotFound, isConflict, isNotFound, type AccountClients } from './clients.js';
import { newMessage } from './envelope.js';
import { HistoryTable } from './history-table.js';
import { HubQueues } from './hub-queues.js';
import { InstancesTable, int32 } from './instances-table.js';
import { escapeKey } from './keys.js';
import { exceedsTableLimit, instanceColumnBlobName, LargeMessages } from './large-messages.js';
import { hubResourceNames, type HubResourceNames } from './names.js';
import { partitionOf } from './partitions.js';
import { rewindInstance } from './rewind.js';

export interface StoreSettings {
  /** Used when the hub does not say (no Partitions table, no taskhub.json). */
  defaultPartitionCount: number;
  queueEncoding: 'utf8' | 'base64';
}

const PURGE_CONCURRENCY = 32;

export class AzureManagementStore implements TaskHubManagementStore {
  readonly names: HubResourceNames;
  readonly large: LargeMessages;
  readonly instances: InstancesTable;
  readonly history: HistoryTable;
  readonly queues: HubQueues;
  private partitions?: Promise<number>;
  private ensured = false;

  constructor(
    readonly hubName: string,
    readonly clients: AccountClients,
    readonly settings: StoreSettings,
  ) {
    this.names = hubResourceNames(hubName);
    this.large = new LargeMessages(clients.container(this.names.largeMessagesContainer));
    this.instances = new InstancesTable(clients.table(this.names.instancesTable), this.large);
    this.history = new HistoryTable(clients.table(this.names.historyTable), this.large);
    this.queues = new HubQueues(clients, this.names, this.large, settings.queueEncoding);
  }

  private async tableExists(name: string): Promise<boolean> {
    const pages = this.clients.tableService.listTables({ queryOptions: { filter: odata`TableName eq ${name}` } }).byPage();
    const first = await pages.next();
    return !first.done && first.value.length > 0;
  }

  async exists(): Promise<boolean> {
    const [instances, history] = await Promise.all([
      this.tableExists(this.names.instancesTable),
      this.tableExists(this.names.historyTable),
    ]);
    return instances && history;
  }

  async ensure(): Promise<void> {
    if (this.ensured) return;
    await Promise.all([this.instances.client.createTable(), this.history.client.createTable()]);
    const count = await this.partitionCount();
    const queues = [this.queues.workItems(), ...Array.from({ length: count }, (_, p) => this.queues.control(p))];
    await Promise.all(queues.map((q) => this.queues.ensure(q)));
    this.ensured = true;
  }

  async deleteHub(): Promise<void> {
    const count = await this.partitionCount();
    await Promise.all([
      ...Array.from({ length: count }, (_, p) => ignoreNotFound(this.queues.control(p).deleteIfExists())),
      ignoreNotFound(this.queues.workItems().deleteIfExists()),
      ignoreNotFound(this.instances.client.deleteTable()),
      ignoreNotFound(this.history.client.deleteTable()),
      ignoreNotFound(this.clients.table(this.names.partitionsTable).deleteTable()),
      ...[this.names.largeMessagesContainer, this.names.leasesContainer, this.names.appLeaseContainer].map((c) =>
        ignoreNotFound(this.clients.container(c).deleteIfExists()),
      ),
    ]);
    this.ensured = false;
    this.partitions = undefined;
  }

  async ping(): Promise<void> {
    await this.clients.tableService.listTables().byPage({ maxPageSize: 1 }).next();
  }

  /** Partitions table row count, else `taskhub.json`, else the configured default (cached). */
  partitionCount(): Promise<number> {
    this.partitions ??= this.discoverPartitionCount().catch((error: unknown) => {
      this.partitions = undefined;
      throw error;
    });
    return this.partitions;
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
    return this.settings.defaultPartitionCount;
  }

  getInstance(instanceId: string, options?: { fetchInput?: boolean }): Promise<InstanceState | undefined> {
    return this.instances.get(instanceId, options);
  }

  queryInstances(query: InstanceQuery, options: QueryOptions): Promise<Page<InstanceState>> {
    return this.instances.query(query, options.pageSize, options.continuationToken);
  }

  countInstances(query: InstanceQuery, options: { abortSignal?: AbortSignal } = {}): Promise<Record<RuntimeStatus, number>> {
    return this.instances.countByStatus(query, options.abortSignal);
  }

  async createInstance(request: CreateInstanceRequest): Promise<void> {
    const existing = await this.instances.getRow(request.instanceId, { fetchInput: false });
    if (existing && request.dedupeStatuses.includes(existing.RuntimeStatus as never)) {
      throw new DomainError(
        'InstanceStateConflict',
        `An instance with ID '${request.instanceId}' already exists and is ${String(existing.RuntimeStatus)}.`,
      );
    }
    const now = new Date();
    const instance: OrchestrationInstanceRef = { InstanceId: request.instanceId, ExecutionId: request.executionId };
    const generation = existing ? Number(existing.Generation ?? 0) + 1 : 0;
    const event = executionStarted(
      {
        instance,
        name: request.name,
        version: request.version,
        input: request.input,
        tags: request.tags,
        scheduledStartTime: request.scheduledStartTime,
        generation,
      },
      now,
    );
    const message = newMessage(instance, event);
    const delay = request.scheduledStartTime ? request.scheduledStartTime.getTime() - now.getTime() : 0;
    const messageBlobUrl = await this.queues.send(
      this.queues.control(partitionOf(request.instanceId, await this.partitionCount())),
      message,
      delay,
    );
    // The row points at the start message's blob when there is one (as the provider does), else at the input's own blob.
    let input = messageBlobUrl ?? request.input;
    if (!messageBlobUrl && input !== null && exceedsTableLimit(input)) {
      input = await this.large.upload(instanceColumnBlobName(escapeKey(request.instanceId), 'Input'), input);
    }
    const row = {
      partitionKey: escapeKey(request.instanceId),
      rowKey: '',
      Input: input ?? undefined,
      CreatedTime: now,
      Name: request.name,
      Version: request.version,
      RuntimeStatus: 'Pending',
      LastUpdatedTime: now,
      TaskHubName: this.hubName,
      ScheduledStartTime: request.scheduledStartTime,
      ExecutionId: request.executionId,
      Generation: int32(generation),
      Tags: request.tags ? JSON.stringify(request.tags) : 'null',
      CustomStatus: 'null',
    };
    const write = existing
      ? this.instances.client.updateEntity(row as never, 'Replace', { etag: existing.etag })
      : this.instances.client.createEntity(row as never);
    // Insert-if-absent, or replace only the row that was read (ETag): of concurrent starts of one id
    // exactly one writes its row. The others' start messages are already queued; the worker drops a
    // start whose execution id is not the row's, so only the winner's input runs.
    await write.catch((error: unknown) => {
      if (!isConflict(error)) throw error;
      throw new DomainError('InstanceStateConflict', `Instance '${request.instanceId}' was started by another request at the same time.`);
    });
  }

  async sendEvent(instanceId: string, event: HistoryEvent): Promise<void> {
    await this.sendToInstance({ InstanceId: instanceId, ExecutionId: null }, event);
  }

  async sendToInstance(instance: OrchestrationInstanceRef, event: HistoryEvent, options: SendOptions = {}): Promise<void> {
    const partition = partitionOf(instance.InstanceId, await this.partitionCount());
    await this.queues.send(this.queues.control(partition), newMessage(instance, event, options), options.visibilityDelayInMs);
  }

  async readHistory(instanceId: string): Promise<HistoryPage> {
    const { rows: _rows, ...page } = await this.history.read(instanceId);
    return page;
  }

  async purgeInstance(instanceId: string): Promise<number> {
    const row = await this.instances.getRow(instanceId, { fetchInput: false });
    if (!row) return 0;
    await this.deleteInstanceData(instanceId, await this.large.exists());
    return 1;
  }

  /** History rows, blobs under the instance's own folder, then the Instances row. */
  private async deleteInstanceData(instanceId: string, withBlobs: boolean): Promise<void> {
    const prefixes = withBlobs ? new Set([`${instanceId}/`, `${escapeKey(instanceId)}/`]) : new Set<string>();
    await Promise.all([...[...prefixes].map((prefix) => this.large.deleteUnder(prefix)), this.history.deleteInstance(instanceId)]);
    await this.instances.delete(instanceId);
  }

  async purgeInstances(filter: PurgeFilter, onProgress?: (deleted: number) => void): Promise<number> {
    // Checked once: most hubs never had a large message, and listing blobs per instance is costly.
    const withBlobs = await this.large.exists();
    let deleted = 0;
    let token: string | undefined;
    const query: InstanceQuery = { ...filter, fetchInput: false, fetchOutput: false };
    do {
      const page = await this.instances.query(query, 500, token);
      const ids = page.items.map((s) => s.instanceId);
      // A fixed number of deletions in flight, not batches that wait for their slowest member.
      await Promise.all(
        Array.from({ length: Math.min(PURGE_CONCURRENCY, ids.length) }, async () => {
          for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
            await this.deleteInstanceData(id, withBlobs);
            deleted++;
            onProgress?.(deleted);
          }
        }),
      );
      token = page.continuationToken;
    } while (token);
    return deleted;
  }

  rewind(instanceId: string, reason: string): Promise<void> {
    return rewindInstance(this, instanceId, reason);
  }
}
