// The hub's work-item queue (`{hub}-workitems`): one TaskScheduled message per activity to run.

import type { HistoryEvent, OrchestrationInstanceRef } from '../../domain/index.js';
import { newMessage } from './envelope.js';
import type { MessageQueue, ReceivedMessage } from './message-queue.js';

export class WorkItemQueue {
  constructor(readonly queue: MessageQueue) {}

  async send(instance: OrchestrationInstanceRef, event: HistoryEvent, episode?: number): Promise<void> {
    await this.queue.send(newMessage(instance, event, { sender: instance, episode }));
  }

  /** Up to `max` messages (the queue hands out at most 32 per call). */
  receive(max: number, visibilityTimeoutInMs: number): Promise<ReceivedMessage[]> {
    return this.queue.receive(max, visibilityTimeoutInMs);
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
