// Control queues and the work-item queue of one hub: sending envelopes (large ones via blobs),
// receiving and settling them. A management client only sends.

import type { QueueClient } from '@azure/storage-queue';
import type { OrchestrationInstanceRef } from '../../domain/index.js';
import { ignoreNotFound, type AccountClients } from './clients.js';
import { decodeQueueText, parseMessage, serializeLargeMessageWrapper, serializeMessage, type MessageData } from './envelope.js';
import { exceedsQueueLimit, type LargeMessages } from './large-messages.js';
import type { HubResourceNames } from './names.js';

export interface ReceivedMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  data: MessageData;
}

/** Azure queues cap the initial invisibility at 7 days. */
export const MAX_VISIBILITY_DELAY_MS = 7 * 24 * 3600 * 1000 - 60_000;

export class HubQueues {
  private readonly created = new Set<string>();

  constructor(
    private readonly clients: AccountClients,
    private readonly names: HubResourceNames,
    private readonly large: LargeMessages,
    private readonly encoding: 'utf8' | 'base64',
  ) {}

  control(partition: number): QueueClient {
    return this.clients.queue(this.names.controlQueue(partition));
  }

  workItems(): QueueClient {
    return this.clients.queue(this.names.workItemQueue);
  }

  async ensure(queue: QueueClient): Promise<void> {
    if (this.created.has(queue.name)) return;
    await queue.createIfNotExists();
    this.created.add(queue.name);
  }

  /**
   * Serialises, moves an oversized message to a blob, and sends with an infinite time-to-live.
   * Returns the blob's URL when the message went to a blob.
   */
  async send(queue: QueueClient, message: MessageData, visibilityDelayInMs = 0): Promise<string | undefined> {
    await this.ensure(queue);
    let text = serializeMessage(message);
    let blobUrl: string | undefined;
    if (exceedsQueueLimit(text)) {
      const blobName = largeMessageBlobName(message.instance, message.activityId, message.event.EventType);
      blobUrl = await this.large.upload(blobName, text);
      text = serializeLargeMessageWrapper(blobName);
    }
    const body = this.encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
    const delay = Math.min(Math.max(0, visibilityDelayInMs), MAX_VISIBILITY_DELAY_MS);
    await queue.sendMessage(body, { messageTimeToLive: -1, visibilityTimeout: Math.ceil(delay / 1000) });
    return blobUrl;
  }

  async receive(queue: QueueClient, max: number, visibilityTimeoutInMs: number): Promise<ReceivedMessage[]> {
    await this.ensure(queue);
    const response = await queue.receiveMessages({
      numberOfMessages: Math.min(32, Math.max(1, max)),
      visibilityTimeout: Math.max(1, Math.ceil(visibilityTimeoutInMs / 1000)),
    });
    const received: ReceivedMessage[] = [];
    for (const item of response.receivedMessageItems) {
      let data = parseMessage(decodeQueueText(item.messageText));
      if (data.compressedBlobName) {
        const blobName = data.compressedBlobName;
        data = {
          ...parseMessage(JSON.parse(await this.large.download(blobName)) as Record<string, unknown>),
          compressedBlobName: blobName,
        };
      }
      received.push({
        messageId: item.messageId,
        popReceipt: item.popReceipt,
        dequeueCount: item.dequeueCount,
        insertedOn: item.insertedOn,
        data,
      });
    }
    return received;
  }

  async delete(queue: QueueClient, messageId: string, popReceipt: string): Promise<void> {
    await ignoreNotFound(queue.deleteMessage(messageId, popReceipt));
  }

  /** Changes visibility; returns the new pop receipt. */
  async setVisibility(queue: QueueClient, messageId: string, popReceipt: string, delayInMs: number): Promise<string> {
    const response = await queue.updateMessage(messageId, popReceipt, undefined, Math.max(0, Math.ceil(delayInMs / 1000)));
    return response.popReceipt ?? popReceipt;
  }
}

export function largeMessageBlobName(instance: OrchestrationInstanceRef, activityId: string, eventType: string): string {
  return `${instance.InstanceId}/message-${activityId.replace(/-/g, '')}-${eventType}.json.gz`;
}
