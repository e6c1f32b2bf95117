// Polls the control queues this worker owns and runs one episode per instance with new messages.
// Order per instance: send outbound messages and work items, checkpoint history (sentinel-ETag
// guarded), update the Instances row, notify in-process waiters, and only then delete the handled
// messages, so a crash at any point replays the episode instead of losing events.

import type pino from 'pino';
import { CheckpointConflict, type HistoryEvent, type InstanceState } from '../domain/index.js';
import type { InstanceEvents } from '../services/instance-events.js';
import type { ControlMessage, TaskHubWorkerStore } from '../storage/port.js';
import { isEntityInstanceId } from '../domain/entity-id.js';
import type { EntityDispatcher } from './entities/entity-dispatcher.js';
import { sendInOrder } from './entities/ordered-send.js';
import { planEpisode, type CheckpointPlan, type RearmPlan } from './episode.js';
import type { Registry } from './registry.js';
import { rowRepair } from './status-from-history.js';
import type { WorkerObserver } from './observer.js';

/** Client start messages are retried this often before they are dropped (no matching Instances row). */
const MAX_START_DEQUEUES = 10;

export interface DispatcherOptions {
  controlVisibilityInMs: number;
  batchSize: number;
  observer?: WorkerObserver;
}

export class OrchestrationDispatcher {
  constructor(
    private readonly store: TaskHubWorkerStore,
    private readonly registry: Registry,
    private readonly events: InstanceEvents,
    private readonly logger: pino.Logger,
    private readonly options: DispatcherOptions,
    /** Runs the batches of entity instances (`@name@key`), which are not orchestrations. */
    private readonly entities?: EntityDispatcher,
  ) {}

  /** Receives one batch from a partition and processes it; returns the number of messages seen. */
  async pollOnce(partition: number): Promise<number> {
    const messages = await this.store.receiveControlMessages(partition, this.options.batchSize, this.options.controlVisibilityInMs);
    if (messages.length === 0) return 0;
    const byInstance = new Map<string, ControlMessage[]>();
    for (const m of messages) {
      const list = byInstance.get(m.instance.InstanceId) ?? [];
      list.push(m);
      byInstance.set(m.instance.InstanceId, list);
    }
    await Promise.all(
      [...byInstance].map(async ([instanceId, list]) => {
        list.sort((a, b) => a.insertedOn.getTime() - b.insertedOn.getTime() || a.sequenceNumber - b.sequenceNumber);
        try {
          if (this.entities && isEntityInstanceId(instanceId))
            await this.entities.process(instanceId, list, (retry, done, delayInMs) => this.settle(retry, done, delayInMs));
          else await this.processInstance(instanceId, list);
          this.options.observer?.episode(this.store.hubName, 'completed');
        } catch (error) {
          this.options.observer?.episode(this.store.hubName, 'failed');
          this.logger.error({ err: error, instanceId }, 'orchestration episode failed; messages will be retried');
          // Back off like the provider (doubling per delivery, capped at 10 minutes) so a poison message cannot spin.
          const deliveries = Math.max(...list.map((m) => m.dequeueCount));
          await this.settle(list, [], Math.min(1000 * 2 ** Math.max(0, deliveries - 1), 600_000));
        }
      }),
    );
    return messages.length;
  }

  private async processInstance(instanceId: string, messages: ControlMessage[]): Promise<void> {
    const row = await this.store.getInstance(instanceId, { fetchInput: false });
    let start = messages.find((m) => m.event.EventType === 'ExecutionStarted');
    const drop: ControlMessage[] = [];
    if (start && !start.event.ParentInstance && !this.startMatchesRow(start, row)) {
      // The client writes the row after enqueueing: wait for it, unless the row was re-created since.
      const stale = row !== undefined && row.createdTime.getTime() > Date.parse(start.event.Timestamp);
      if (stale || start.dequeueCount >= MAX_START_DEQUEUES) drop.push(start);
      else await this.store.abandonControlMessage(start, 1000);
      messages = messages.filter((m) => m !== start);
      start = undefined;
    }
    const executionId = start ? startExecutionId(start) : row?.executionId;
    if (!executionId) return this.settle([], drop.concat(messages), 0);
    const current = messages.filter((m) => m === start || !m.instance.ExecutionId || m.instance.ExecutionId === executionId);
    drop.push(...messages.filter((m) => !current.includes(m)));
    const page = await this.store.readExecutionHistory(instanceId, executionId);
    if (!start && page.events.length === 0) return this.notStartedYet(row!, current, drop);

    const plan = await planEpisode({
      instanceId,
      executionId,
      history: page.events,
      messages: current,
      registry: this.registry,
      now: new Date(),
      log: (level, message) => this.logger.info({ instanceId, level }, message),
    });
    if (plan.kind === 'idle') {
      // Nothing new to apply, but an earlier checkpoint may have saved its history and failed
      // its row write: the history is the truth, so bring the row in line before letting go.
      await this.repairRow(row, executionId, page.events);
      return this.settle([], drop.concat(current), 0);
    }
    await this.sendOutbound(instanceId, plan);
    if (plan.kind === 'checkpoint') {
      try {
        await this.store.checkpoint({
          instanceId,
          executionId: plan.executionId,
          existingCount: plan.existingCount,
          newEvents: plan.newEvents,
          sentinelETag: page.sentinelETag,
        });
      } catch (error) {
        if (!(error instanceof CheckpointConflict)) throw error;
        this.logger.warn({ instanceId }, 'checkpoint conflict; retrying the episode');
        return this.settle(current, drop, 100);
      }
      await this.store.updateInstance(plan.update);
      this.events.notify({ taskHub: this.store.hubName, instanceId, runtimeStatus: plan.update.runtimeStatus });
    }
    await this.settle([], drop.concat(current), 0);
  }

  private async repairRow(row: InstanceState | undefined, executionId: string, history: HistoryEvent[]): Promise<void> {
    const update = rowRepair(row, executionId, history, new Date());
    if (!update) return;
    this.logger.warn({ instanceId: update.instanceId, runtimeStatus: update.runtimeStatus }, 'status row behind its history; repaired');
    await this.store.updateInstance(update);
    this.events.notify({ taskHub: this.store.hubName, instanceId: update.instanceId, runtimeStatus: update.runtimeStatus });
  }

  private startMatchesRow(start: ControlMessage, row: InstanceState | undefined): boolean {
    return row !== undefined && (!row.executionId || row.executionId === startExecutionId(start));
  }

  /** Messages for an instance whose start has not been processed yet (delayed start, or a race). */
  private async notStartedYet(row: InstanceState, messages: ControlMessage[], drop: ControlMessage[]): Promise<void> {
    const terminate = messages.find((m) => m.event.EventType === 'ExecutionTerminated');
    if (terminate && row.runtimeStatus === 'Pending') {
      const now = new Date();
      const reason = (terminate.event.Input as string | null | undefined) ?? '';
      await this.store.updateInstance({
        instanceId: row.instanceId,
        executionId: row.executionId,
        name: row.name,
        version: row.version,
        runtimeStatus: 'Terminated',
        output: reason,
        lastUpdatedTime: now,
        completedTime: now,
      });
      this.events.notify({ taskHub: this.store.hubName, instanceId: row.instanceId, runtimeStatus: 'Terminated' });
      return this.settle([], drop.concat(messages), 0);
    }
    const waiting = row.runtimeStatus === 'Pending' ? messages.filter((m) => m.dequeueCount < MAX_START_DEQUEUES) : [];
    return this.settle(waiting, drop.concat(messages.filter((m) => !waiting.includes(m))), 1000);
  }

  private async sendOutbound(instanceId: string, plan: RearmPlan | CheckpointPlan): Promise<void> {
    const self = { InstanceId: instanceId, ExecutionId: plan.executionId };
    const { childRows = [], workItems = [] } = plan.kind === 'checkpoint' ? plan : {};
    await Promise.all(childRows.map((row) => this.store.updateInstance(row)));
    await Promise.all([
      ...workItems.map((event) => this.store.sendWorkItem(self, event)),
      sendInOrder(plan.outbound, (o) => this.store.sendToInstance(o.instance, o.event, { sender: self, visibilityDelayInMs: o.delayInMs })),
    ]);
  }

  /** Abandons `retry` (visible again after `delayInMs`) and deletes `done`. */
  private async settle(retry: ControlMessage[], done: ControlMessage[], delayInMs: number): Promise<void> {
    await Promise.all([
      ...retry.map((m) => this.store.abandonControlMessage(m, delayInMs).catch(() => undefined)),
      ...done.map((m) => this.store.deleteControlMessage(m).catch(() => undefined)),
    ]);
  }
}

function startExecutionId(start: ControlMessage): string {
  const ref = start.event.OrchestrationInstance as { ExecutionId?: string | null } | undefined;
  return ref?.ExecutionId ?? start.instance.ExecutionId ?? '';
}
