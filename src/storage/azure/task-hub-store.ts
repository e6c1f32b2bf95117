// The Azure Storage adapter of both ports for one task hub, composed of one module per resource:
// the Instances table, the History table, the control queues, the work-item queue, large messages
// and partition leases. Each module owns its reads and writes; this class only wires them and
// keeps the order of multi-resource operations (start, rewind, hub deletion).

import {
  DomainError,
  executionStarted,
  fieldText,
  genericEvent,
  type HistoryEvent,
  type InstanceState,
  type RuntimeStatus,
} from '../../domain/index.js';
import type {
  ActivityWorkItem,
  CreateInstanceRequest,
  FetchOptions,
  InstanceHistory,
  InstanceQuery,
  ListOptions,
  ManagementStore,
  OrchestrationCommit,
  OrchestrationWorkItem,
  Page,
  PartitionLease,
  PartitionLeaseInfo,
  PurgeFilter,
  SendEventOptions,
  WorkItemStore,
} from '../port.js';
import type { AccountClients } from './clients.js';
import { ControlQueues } from './control-queues.js';
import { DEFAULT_HISTORY_CACHE_LIMITS, HistoryCache, type HistoryCacheLimits } from './history-cache.js';
import { HistoryTable } from './history-table.js';
import { HubResources } from './hub-resources.js';
import { InstancesTable } from './instances-table.js';
import { LargeMessages } from './large-messages.js';
import { MessageQueue, type ReceivedMessage } from './message-queue.js';
import { hubResourceNames } from './names.js';
import { OrchestrationWorkItems } from './orchestration-work-items.js';
import { PartitionLeases } from './partition-leases.js';
import { partitionOf } from './partitions.js';
import { InstancePurge } from './purge.js';
import { rewindEdits } from './rewind.js';
import { WorkItemQueue } from './work-item-queue.js';

export interface StoreSettings {
  /** Used when the hub does not say (no Partitions table, no taskhub.json). */
  defaultPartitionCount: number;
  queueEncoding: 'utf8' | 'base64';
  /** Histories kept between episodes (default: DEFAULT_HISTORY_CACHE_LIMITS; maxBytes 0 turns it off). */
  historyCache?: HistoryCacheLimits;
}

export class AzureTaskHubStore implements ManagementStore, WorkItemStore {
  readonly instances: InstancesTable;
  readonly history: HistoryTable;
  readonly control: ControlQueues;
  readonly workItems: WorkItemQueue;
  readonly large: LargeMessages;
  private readonly leases: PartitionLeases;
  private readonly resources: HubResources;
  private readonly purge: InstancePurge;
  private readonly orchestrations: OrchestrationWorkItems;
  private readonly activities = new WeakMap<ActivityWorkItem, ReceivedMessage>();
  private ensured = false;

  constructor(
    readonly hubName: string,
    clients: AccountClients,
    settings: StoreSettings,
  ) {
    const names = hubResourceNames(hubName);
    this.resources = new HubResources(clients, names, settings.defaultPartitionCount);
    const partitionCount = () => this.resources.partitionCount();
    this.large = new LargeMessages(clients.container(names.largeMessagesContainer));
    this.instances = new InstancesTable(clients.table(names.instancesTable), clients.pointReads(names.instancesTable), this.large, hubName);
    this.history = new HistoryTable(clients.table(names.historyTable), this.large);
    const hubExists = () => this.resources.exists();
    this.control = new ControlQueues(clients, names, this.large, settings.queueEncoding, partitionCount, hubExists);
    this.workItems = new WorkItemQueue(new MessageQueue(clients.queue(names.workItemQueue), this.large, settings.queueEncoding, hubExists));
    this.leases = new PartitionLeases(clients.table(names.partitionsTable), names, partitionCount);
    this.purge = new InstancePurge(this.instances, this.history, this.large);
    this.orchestrations = new OrchestrationWorkItems(
      { instances: this.instances, history: this.history, control: this.control, workItems: this.workItems },
      new HistoryCache(settings.historyCache ?? DEFAULT_HISTORY_CACHE_LIMITS),
    );
  }

  // --- the hub -------------------------------------------------------------------------------

  exists(): Promise<boolean> {
    return this.resources.exists();
  }

  async ensure(): Promise<void> {
    if (this.ensured) return;
    await Promise.all([this.instances.createTable(), this.history.createTable()]);
    await Promise.all([this.workItems.queue.ensure(), this.control.ensure()]);
    this.ensured = true;
  }

  async deleteHub(): Promise<void> {
    await this.partitionCount(); // known before the Partitions table goes
    await Promise.all([
      this.control.deleteAll(),
      this.workItems.queue.deleteQueue(),
      this.instances.deleteTable(),
      this.history.deleteTable(),
      this.resources.deleteLeasesAndBlobs(),
    ]);
    this.ensured = false;
    this.resources.forgetPartitionCount();
  }

  ping(): Promise<void> {
    return this.resources.ping();
  }

  partitionCount(): Promise<number> {
    return this.resources.partitionCount();
  }

  /** The hub's queues, control queues first (for the queue-depth metric). */
  async queueNames(): Promise<string[]> {
    return (await this.queues()).map((queue) => queue.client.name);
  }

  /** Approximate number of messages waiting in one of the hub's queues. */
  async approximateMessageCount(queueName: string): Promise<number> {
    const queue = (await this.queues()).find((q) => q.client.name === queueName);
    if (!queue) throw new Error(`'${queueName}' is not a queue of task hub ${this.hubName}.`);
    return (await queue.client.getProperties()).approximateMessagesCount ?? 0;
  }

  private async queues(): Promise<MessageQueue[]> {
    const count = await this.partitionCount();
    return [...Array.from({ length: count }, (_, p) => this.control.queue(p)), this.workItems.queue];
  }

  async partitionOf(instanceId: string): Promise<number> {
    return partitionOf(instanceId, await this.partitionCount());
  }

  blobLeaseNames(): Promise<string[]> {
    return this.resources.blobLeaseNames();
  }

  // --- management ----------------------------------------------------------------------------

  getInstance(instanceId: string, options?: { fetchInput?: boolean }): Promise<InstanceState | undefined> {
    return this.instances.get(instanceId, options);
  }

  finishedAmong(instanceIds: readonly string[], changedSince: Date): Promise<Map<string, InstanceState>> {
    return this.instances.finishedAmong(instanceIds, changedSince);
  }

  listInstances(query: InstanceQuery, options: ListOptions): Promise<Page<InstanceState>> {
    return this.instances.query(query, options.pageSize, options.continuationToken);
  }

  countInstances(query: InstanceQuery, options: { abortSignal?: AbortSignal } = {}): Promise<Record<RuntimeStatus, number>> {
    return this.instances.countByStatus(query, { abortSignal: options.abortSignal });
  }

  async createInstance(request: CreateInstanceRequest): Promise<void> {
    const existing = await this.instances.getRow(request.instanceId, { fetchInput: false });
    const existingStatus = fieldText(existing?.RuntimeStatus);
    if (existing && request.dedupeStatuses.some((status) => status === existingStatus)) {
      throw new DomainError(
        'InstanceStateConflict',
        `An instance with ID '${request.instanceId}' already exists and is ${existingStatus}.`,
      );
    }
    const now = new Date();
    const instance = { InstanceId: request.instanceId, ExecutionId: request.executionId };
    const generation = existing ? Number(existing.Generation ?? 0) + 1 : 0;
    const { name, version, input, tags, scheduledStartTime } = request;
    const event = executionStarted({ instance, name, version, input, tags, scheduledStartTime, generation }, now);
    const delay = scheduledStartTime ? scheduledStartTime.getTime() - now.getTime() : 0;
    // Message first, then the row: a worker waits for the row, never sees a row without its start.
    const startBlobUrl = await this.control.send(instance, event, { visibilityDelayInMs: delay });
    await this.instances.writeStartRow(request, startBlobUrl, existing, now);
  }

  async sendEvent(instanceId: string, event: HistoryEvent, options: SendEventOptions = {}): Promise<void> {
    await this.control.send({ InstanceId: instanceId, ExecutionId: null }, event, { visibilityDelayInMs: options.delayInMs });
  }

  async getHistory(instanceId: string): Promise<InstanceHistory> {
    const { events, executionId } = await this.history.read(instanceId);
    return { events, executionId };
  }

  purgeInstance(instanceId: string): Promise<number> {
    return this.purge.purgeInstance(instanceId);
  }

  purgeInstances(filter: PurgeFilter, onProgress?: (deleted: number) => void): Promise<number> {
    return this.purge.purgeInstances(filter, onProgress);
  }

  async rewind(instanceId: string, reason: string): Promise<void> {
    const leaves: string[] = [];
    await this.rewindTree(instanceId, leaves);
    const now = new Date();
    for (const leaf of leaves) await this.sendEvent(leaf, genericEvent(reason, now));
  }

  /** Children first, then this instance's rows and its Pending status; leaves are the ones to poke. */
  private async rewindTree(instanceId: string, leaves: string[]): Promise<void> {
    const edits = rewindEdits((await this.history.read(instanceId)).rows);
    let failedChildren = 0;
    for (const child of edits.failedChildren) {
      if ((await this.instances.get(child, { fetchInput: false }))?.runtimeStatus !== 'Failed') continue;
      failedChildren++;
      await this.rewindTree(child, leaves);
    }
    await this.history.replaceRows(edits.rows);
    await this.instances.markPending(instanceId);
    if (failedChildren === 0) leaves.push(instanceId);
  }

  // --- work items ----------------------------------------------------------------------------

  fetchOrchestrationWorkItems(partition: number, options: FetchOptions): Promise<OrchestrationWorkItem[]> {
    return this.orchestrations.fetch(partition, options);
  }

  completeOrchestrationWorkItem(item: OrchestrationWorkItem, commit: OrchestrationCommit): Promise<void> {
    return this.orchestrations.complete(item, commit);
  }

  abandonOrchestrationWorkItem(item: OrchestrationWorkItem, delayInMs?: number): Promise<void> {
    return this.orchestrations.abandon(item, delayInMs);
  }

  async fetchActivityWorkItem(lockInMs: number): Promise<ActivityWorkItem | undefined> {
    return (await this.fetchActivityWorkItems(1, lockInMs))[0];
  }

  async fetchActivityWorkItems(max: number, lockInMs: number): Promise<ActivityWorkItem[]> {
    const messages = await this.workItems.receive(max, lockInMs);
    return messages.map((message) => {
      const item: ActivityWorkItem = { instance: message.data.instance, event: message.data.event };
      this.activities.set(item, message);
      return item;
    });
  }

  async renewActivityWorkItem(item: ActivityWorkItem, lockInMs: number): Promise<void> {
    const message = this.activities.get(item);
    if (message) await this.workItems.renew(message, lockInMs);
  }

  async completeActivityWorkItem(item: ActivityWorkItem, result: HistoryEvent): Promise<void> {
    const message = this.activities.get(item);
    await this.control.send(item.instance, result, { sender: item.instance, episode: message?.data.episode });
    if (message) await this.workItems.delete(message);
    this.activities.delete(item);
  }

  async abandonActivityWorkItem(item: ActivityWorkItem, delayInMs: number): Promise<void> {
    const message = this.activities.get(item);
    this.activities.delete(item);
    if (message) await this.workItems.abandon(message, delayInMs).catch(() => undefined);
  }

  // --- partition leases ----------------------------------------------------------------------

  tryAcquireLease(partition: number, owner: string, durationInMs: number): Promise<PartitionLease | undefined> {
    // Whatever was cached for the partition may have been advanced by its previous owner.
    this.orchestrations.cache.dropPartition(partition);
    return this.leases.tryAcquire(partition, owner, durationInMs);
  }

  async renewLease(lease: PartitionLease, durationInMs: number): Promise<PartitionLease | undefined> {
    const renewed = await this.leases.renew(lease, durationInMs);
    if (!renewed) this.orchestrations.cache.dropPartition(lease.partition);
    return renewed;
  }

  releaseLease(lease: PartitionLease): Promise<void> {
    this.orchestrations.cache.dropPartition(lease.partition);
    return this.leases.release(lease);
  }

  listLeases(): Promise<PartitionLeaseInfo[]> {
    return this.leases.list();
  }

  requestLease(partition: number, requester: string): Promise<void> {
    return this.leases.request(partition, requester);
  }
}
