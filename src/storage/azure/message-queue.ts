// One Azure queue of envelopes: serialises (moving an oversized message to a blob), receives
// (resolving blob-backed messages) and deletes or hides again by pop receipt. Used by the control queues and
// the work-item queue; pop receipts never leave src/storage/azure.

import type { QueueClient } from '@azure/storage-queue';
import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import { gzipJsonOffThread } from '../../payloads/payload-thread.js';
import { ignoreNotFound, isNotFound } from './clients.js';
import {
  decodeQueueText,
  messageEnvelope,
  parseMessage,
  serializeLargeMessageWrapper,
  serializeMessage,
  type MessageData,
} from './envelope.js';
import { MAX_QUEUE_MESSAGE_BYTES, type LargeMessages } from './large-messages.js';

export interface ReceivedMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  data: MessageData;
}

/** Azure queues cap the initial invisibility at 7 days. */
export const MAX_VISIBILITY_DELAY_MS = 7 * 24 * 3600 * 1000 - 60_000;

export class MessageQueue {
  private created = false;

  constructor(
    readonly client: QueueClient,
    private readonly large: LargeMessages,
    private readonly encoding: 'utf8' | 'base64',
    /** Whether the hub this queue belongs to still exists, so a queue missing from it may be created again. */
    private readonly hubExists: () => Promise<boolean>,
  ) {}

  async ensure(): Promise<void> {
    if (this.created) return;
    await this.client.createIfNotExists();
    this.created = true;
  }

  async deleteQueue(): Promise<void> {
    this.created = false;
    await ignoreNotFound(this.client.deleteIfExists());
  }

  /**
   * Sends with an infinite time-to-live; returns the blob's URL when the message went to a blob.
   * Creating the hub creates its queues, so a send does not create one first: on a hub deleted by
   * another process that would bring its queue back and leave the message in it. A queue missing
   * from a hub that still has its tables (deleted by hand) is created again and the send retried.
   */
  async send(message: MessageData, visibilityDelayInMs = 0): Promise<string | undefined> {
    let text: string;
    let blobUrl: string | undefined;
    const blobName = () => largeMessageBlobName(message.instance, message.activityId, message.event.EventType);
    if (carriesLargeText(message.event)) {
      // Certainly over the limit: serialised and gzipped on the payload thread, so a megabyte
      // input is never stringified, encoded or measured on the event loop.
      const name = blobName();
      blobUrl = await this.large.uploadGzipped(name, await gzipJsonOffThread(messageEnvelope(message)));
      text = serializeLargeMessageWrapper(name);
    } else {
      text = serializeMessage(message);
      if (Buffer.byteLength(text, 'utf8') > MAX_QUEUE_MESSAGE_BYTES) {
        const name = blobName();
        blobUrl = await this.large.upload(name, text);
        text = serializeLargeMessageWrapper(name);
      }
    }
    const body = this.encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text;
    const delay = Math.min(Math.max(0, visibilityDelayInMs), MAX_VISIBILITY_DELAY_MS);
    const options = { messageTimeToLive: -1, visibilityTimeout: Math.ceil(delay / 1000) };
    try {
      await this.client.sendMessage(body, options);
    } catch (error) {
      if (!isNotFound(error) || !(await this.hubExists())) throw error;
      this.created = false;
      await this.ensure();
      await this.client.sendMessage(body, options);
    }
    return blobUrl;
  }

  async receive(max: number, visibilityTimeoutInMs: number): Promise<ReceivedMessage[]> {
    await this.ensure();
    const response = await this.client.receiveMessages({
      numberOfMessages: Math.min(32, Math.max(1, max)),
      visibilityTimeout: Math.max(1, Math.ceil(visibilityTimeoutInMs / 1000)),
    });
    const received: ReceivedMessage[] = [];
    for (const item of response.receivedMessageItems) {
      let data = parseMessage(decodeQueueText(item.messageText));
      if (data.compressedBlobName) {
        const blobName = data.compressedBlobName;
        data = {
          ...parseMessage((await this.large.downloadJson(blobName)) as Record<string, unknown>),
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

  /** Idempotent. */
  async delete(message: ReceivedMessage): Promise<void> {
    await ignoreNotFound(this.client.deleteMessage(message.messageId, message.popReceipt));
  }

  /** Hides the message for `delayInMs` from now; keeps the new pop receipt on the message. */
  async setVisibility(message: ReceivedMessage, delayInMs: number): Promise<void> {
    const response = await this.client.updateMessage(
      message.messageId,
      message.popReceipt,
      undefined,
      Math.max(0, Math.ceil(delayInMs / 1000)),
    );
    message.popReceipt = response.popReceipt ?? message.popReceipt;
  }
}

/** A string field longer than the queue limit makes the message larger than that in UTF-8 too. */
function carriesLargeText(event: HistoryEvent): boolean {
  return Object.values(event).some((value) => typeof value === 'string' && value.length > MAX_QUEUE_MESSAGE_BYTES);
}

export function largeMessageBlobName(instance: OrchestrationInstanceRef, activityId: string, eventType: string): string {
  return `${instance.InstanceId}/message-${activityId.replace(/-/g, '')}-${eventType}.json.gz`;
}
