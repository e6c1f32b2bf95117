// Runs activities from the `{hub}-workitems` queue and answers with TaskCompleted/TaskFailed on the
// calling instance's control queue. The work item is deleted only after the answer is sent, so a
// crashed worker's activity runs again (at-least-once, as in Durable Functions).

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as AzureFunctions from '@azure/functions';
import type pino from 'pino';
import type { ActivityWorkItem, WorkItemStore } from '../storage/port.js';
import { fieldText, taskCompleted, taskFailed } from '../domain/index.js';
import { errorFromThrown } from './thrown-error.js';
import type { WorkerObserver } from './observer.js';
import type { ActivityContext, Registry } from './registry.js';

// CommonJS package: plain Node ESM cannot name its exports statically.
const { InvocationContext } = createRequire(import.meta.url)('@azure/functions') as typeof AzureFunctions;

export interface ActivityOptions {
  workItemVisibilityInMs: number;
  /** Activities run at once; a receive asks for no more than the free slots (and the queue's 32). */
  concurrency: number;
  observer?: WorkerObserver;
}

/** Azure queues hand out at most 32 messages per receive. */
const MAX_RECEIVE = 32;

export class ActivityDispatcher {
  private readonly running = new Set<Promise<void>>();
  private slotFreed?: () => void;

  constructor(
    private readonly store: WorkItemStore,
    private readonly registry: Registry,
    private readonly logger: pino.Logger,
    private readonly options: ActivityOptions,
  ) {}

  /**
   * Receives as many activities as there are free slots in one call and starts them; false when the
   * queue was empty. With every slot busy it waits for one to free up instead of receiving.
   */
  async fetchAndStart(): Promise<boolean> {
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) {
      await new Promise<void>((resolve) => (this.slotFreed = resolve));
      return true;
    }
    const items = await this.store.fetchActivityWorkItems(Math.min(MAX_RECEIVE, free), this.options.workItemVisibilityInMs);
    for (const item of items) {
      const run = this.runOne(item)
        .catch((err: unknown) =>
          this.logger.error({ err, instanceId: item.instance.InstanceId }, 'activity work item failed; it will be redelivered'),
        )
        .finally(() => {
          this.running.delete(run);
          const wake = this.slotFreed;
          this.slotFreed = undefined;
          wake?.();
        });
      this.running.add(run);
    }
    return items.length > 0;
  }

  /** Resolves when the activities started so far have finished (on stop). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** Runs one work item and answers it; the lock is renewed while the activity runs. */
  private async runOne(item: ActivityWorkItem): Promise<void> {
    const renewEvery = Math.max(1000, this.options.workItemVisibilityInMs / 3);
    const renewal = setInterval(() => {
      this.store
        .renewActivityWorkItem(item, this.options.workItemVisibilityInMs)
        .catch((err: unknown) => this.logger.warn({ err }, 'work item renewal failed'));
    }, renewEvery);
    try {
      const answer = await this.execute(item);
      this.options.observer?.activity(this.store.hubName, answer.EventType === 'TaskFailed' ? 'failed' : 'completed');
      await this.store.completeActivityWorkItem(item, answer);
    } finally {
      clearInterval(renewal);
    }
  }

  private async execute(item: ActivityWorkItem) {
    const scheduled = item.event;
    const name = fieldText(scheduled.Name);
    const taskScheduledId = scheduled.EventId;
    const fn = this.registry.findActivity(name);
    try {
      if (!fn)
        throw Object.assign(new Error(`The activity function '${name}' is not registered with this worker.`), { name: 'ActivityNotFound' });
      const input: unknown = typeof scheduled.Input === 'string' && scheduled.Input !== '' ? JSON.parse(scheduled.Input) : undefined;
      const context = this.contextFor(name, item.instance.InstanceId);
      const result = await fn(input, context);
      return taskCompleted(taskScheduledId, JSON.stringify(result) ?? 'null');
    } catch (error) {
      const err = errorFromThrown(error);
      // A thrown non-Error has no stack of its own: its content stands in for the details.
      const stack = error instanceof Error ? (err.stack ?? null) : null;
      const details = { ErrorType: err.name || 'Error', ErrorMessage: err.message, StackTrace: stack };
      return taskFailed(taskScheduledId, err.message, stack ?? err.message, details);
    }
  }

  private contextFor(functionName: string, instanceId: string): ActivityContext {
    const logger = this.logger.child({ activity: functionName, instanceId });
    const context = new InvocationContext({
      functionName,
      invocationId: randomUUID(),
      logHandler: (level, ...args) => logger.info({ level }, args.map(String).join(' ')),
      triggerMetadata: { instanceId },
    });
    return Object.assign(context, { instanceId });
  }
}
