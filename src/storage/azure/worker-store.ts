// Worker side of the Azure Storage task hub store: receiving and settling queue messages,
// guarded history checkpoints, Instances row updates and partition leases.

import type {
  CheckpointRequest,
  ControlMessage,
  InstanceUpdate,
  PartitionLease,
  PartitionLeaseInfo,
  TaskHubWorkerStore,
  WorkItemMessage,
} from '../port.js';
import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import type { HistoryPage } from '../port.js';
import type { AccountClients } from './clients.js';
import { newMessage } from './envelope.js';
import type { ReceivedMessage } from './hub-queues.js';
import { int32 } from './instances-table.js';
import { escapeKey } from './keys.js';
import { exceedsTableLimit, instanceColumnBlobName } from './large-messages.js';
import { AzureManagementStore, type StoreSettings } from './management-store.js';
import { PartitionLeases } from './partition-leases.js';
import { partitionOf } from './partitions.js';

export class AzureTaskHubStore extends AzureManagementStore implements TaskHubWorkerStore {
  private readonly leases: PartitionLeases;

  constructor(hubName: string, clients: AccountClients, settings: StoreSettings) {
    super(hubName, clients, settings);
    this.leases = new PartitionLeases(clients.table(this.names.partitionsTable), this.names, () => this.partitionCount());
  }

  async partitionOf(instanceId: string): Promise<number> {
    return partitionOf(instanceId, await this.partitionCount());
  }

  async receiveControlMessages(partition: number, max: number, visibilityTimeoutInMs: number): Promise<ControlMessage[]> {
    const received = await this.queues.receive(this.queues.control(partition), max, visibilityTimeoutInMs);
    return received.map((m) => ({
      ...settle(m),
      partition,
      event: m.data.event,
      sender: m.data.sender,
      sequenceNumber: m.data.sequenceNumber,
    }));
  }

  async deleteControlMessage(message: ControlMessage): Promise<void> {
    await this.queues.delete(this.queues.control(message.partition), message.messageId, message.popReceipt);
    if (message.compressedBlobName) await this.large.deleteUnder(message.compressedBlobName);
  }

  async abandonControlMessage(message: ControlMessage, delayInMs: number): Promise<void> {
    await this.queues.setVisibility(this.queues.control(message.partition), message.messageId, message.popReceipt, delayInMs);
  }

  async sendWorkItem(instance: OrchestrationInstanceRef, event: HistoryEvent, episode?: number): Promise<void> {
    await this.queues.send(this.queues.workItems(), newMessage(instance, event, { sender: instance, episode }));
  }

  async receiveWorkItem(visibilityTimeoutInMs: number): Promise<WorkItemMessage | undefined> {
    const [message] = await this.queues.receive(this.queues.workItems(), 1, visibilityTimeoutInMs);
    return message && { ...settle(message), event: message.data.event };
  }

  async renewWorkItem(message: WorkItemMessage, visibilityTimeoutInMs: number): Promise<void> {
    message.popReceipt = await this.queues.setVisibility(
      this.queues.workItems(),
      message.messageId,
      message.popReceipt,
      visibilityTimeoutInMs,
    );
  }

  async deleteWorkItem(message: WorkItemMessage): Promise<void> {
    await this.queues.delete(this.queues.workItems(), message.messageId, message.popReceipt);
  }

  async readExecutionHistory(instanceId: string, executionId: string): Promise<HistoryPage> {
    const { rows: _rows, ...page } = await this.history.read(instanceId, executionId);
    return page;
  }

  checkpoint(request: CheckpointRequest): Promise<string> {
    return this.history.checkpoint(request);
  }

  async updateInstance(update: InstanceUpdate): Promise<void> {
    const row: Record<string, unknown> = {
      partitionKey: escapeKey(update.instanceId),
      rowKey: '',
      ExecutionId: update.executionId,
      Name: update.name,
      Version: update.version,
      RuntimeStatus: update.runtimeStatus,
      LastUpdatedTime: update.lastUpdatedTime,
      TaskHubName: this.hubName,
    };
    if (update.input !== undefined) row.Input = await this.largeColumn(update.instanceId, 'Input', update.input);
    if (update.output !== undefined) row.Output = await this.largeColumn(update.instanceId, 'Output', update.output);
    if (update.customStatus !== undefined) row.CustomStatus = update.customStatus ?? 'null';
    if (update.createdTime) row.CreatedTime = update.createdTime;
    if (update.completedTime) row.CompletedTime = update.completedTime;
    if (update.generation !== undefined) row.Generation = int32(update.generation);
    if (update.tags !== undefined) row.Tags = JSON.stringify(update.tags);
    await this.instances.client.upsertEntity(row as never, 'Merge');
  }

  /** Over-size values go to a blob and the column holds its URL (as the provider's worker does). */
  private async largeColumn(instanceId: string, column: string, value: string | null): Promise<string> {
    // Merge cannot remove a column; the literal "null" reads back as no value everywhere.
    if (value === null) return 'null';
    if (!exceedsTableLimit(value)) return value;
    return this.large.upload(instanceColumnBlobName(escapeKey(instanceId), column), value);
  }

  tryAcquireLease(partition: number, owner: string, durationInMs: number): Promise<PartitionLease | undefined> {
    return this.leases.tryAcquire(partition, owner, durationInMs);
  }

  renewLease(lease: PartitionLease, durationInMs: number): Promise<PartitionLease | undefined> {
    return this.leases.renew(lease, durationInMs);
  }

  releaseLease(lease: PartitionLease): Promise<void> {
    return this.leases.release(lease);
  }

  listLeases(): Promise<PartitionLeaseInfo[]> {
    return this.leases.list();
  }

  requestLease(partition: number, requester: string): Promise<void> {
    return this.leases.request(partition, requester);
  }
}

function settle(message: ReceivedMessage) {
  return {
    messageId: message.messageId,
    popReceipt: message.popReceipt,
    dequeueCount: message.dequeueCount,
    insertedOn: message.insertedOn,
    instance: message.data.instance,
    episode: message.data.episode,
    compressedBlobName: message.data.compressedBlobName,
  };
}
