// The hub's work-item queue (`{hub}-workitems`): one TaskScheduled message per activity to run.

import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import { newMessage } from './envelope.js';
import type { MessageQueue, ReceivedMessage } from './message-queue.js';

export class WorkItemQueue {
  constructor(readonly queue: MessageQueue) {}

  async send(instance: OrchestrationInstanceRef, event: HistoryEvent, episode?: number): Promise<void> {
    await this.queue.send(newMessage(instance, event, { sender: instance, episode }));
  }

  async receive(visibilityTimeoutInMs: number): Promise<ReceivedMessage | undefined> {
    const [message] = await this.queue.receive(1, visibilityTimeoutInMs);
    return message;
  }

  renew(message: ReceivedMessage, visibilityTimeoutInMs: number): Promise<void> {
    return this.queue.setVisibility(message, visibilityTimeoutInMs);
  }

  abandon(message: ReceivedMessage, delayInMs: number): Promise<void> {
    return this.queue.setVisibility(message, delayInMs);
  }

  delete(message: ReceivedMessage): Promise<void> {
    return this.queue.delete(message);
  }
}
