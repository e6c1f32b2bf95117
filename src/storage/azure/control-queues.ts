// The hub's control queues (`{hub}-control-NN`): one per partition, each instance's messages on
// the FNV-1a partition of its id. Sending routes; receiving, deleting and abandoning work per partition.

import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import type { AccountClients } from './clients.js';
import { newMessage } from './envelope.js';
import type { LargeMessages } from './large-messages.js';
import { MessageQueue, type ReceivedMessage } from './message-queue.js';
import type { HubResourceNames } from './names.js';
import { partitionOf } from './partitions.js';

export interface SendToInstanceOptions {
  /** Delay before the message becomes visible (timers, scheduled starts). */
  visibilityDelayInMs?: number;
  /** Sending orchestration; clients use the empty instance. */
  sender?: OrchestrationInstanceRef;
  episode?: number;
}

/** A received control message with the partition it came from. */
export interface ControlMessage extends ReceivedMessage {
  partition: number;
}

export class ControlQueues {
  private readonly queues = new Map<number, MessageQueue>();

  constructor(
    private readonly clients: AccountClients,
    private readonly names: HubResourceNames,
    private readonly large: LargeMessages,
    private readonly encoding: 'utf8' | 'base64',
    private readonly partitionCount: () => Promise<number>,
    private readonly hubExists: () => Promise<boolean>,
  ) {}

  queue(partition: number): MessageQueue {
    let queue = this.queues.get(partition);
    if (!queue) {
      queue = new MessageQueue(this.clients.queue(this.names.controlQueue(partition)), this.large, this.encoding, this.hubExists);
      this.queues.set(partition, queue);
    }
    return queue;
  }

  async ensure(): Promise<void> {
    const count = await this.partitionCount();
    await Promise.all(Array.from({ length: count }, (_, p) => this.queue(p).ensure()));
  }

  async deleteAll(): Promise<void> {
    const count = await this.partitionCount();
    await Promise.all(Array.from({ length: count }, (_, p) => this.queue(p).deleteQueue()));
    this.queues.clear();
  }

  /** Returns the blob's URL when the message went to a blob. */
  async send(instance: OrchestrationInstanceRef, event: HistoryEvent, options: SendToInstanceOptions = {}): Promise<string | undefined> {
    const partition = partitionOf(instance.InstanceId, await this.partitionCount());
    return this.queue(partition).send(newMessage(instance, event, options), options.visibilityDelayInMs);
  }

  async receive(partition: number, max: number, visibilityTimeoutInMs: number): Promise<ControlMessage[]> {
    const received = await this.queue(partition).receive(max, visibilityTimeoutInMs);
    return received.map((m) => Object.assign(m, { partition }));
  }

  /** Deletes the message and the blob of a blob-backed one. Idempotent. */
  async delete(message: ControlMessage): Promise<void> {
    await this.queue(message.partition).delete(message);
    if (message.data.compressedBlobName) await this.large.deleteUnder(message.data.compressedBlobName);
  }

  async abandon(message: ControlMessage, delayInMs: number): Promise<void> {
    await this.queue(message.partition).setVisibility(message, delayInMs);
  }
}
