// Orchestration work items over the control queues: fetching groups a partition's messages per
// instance and loads the history of the execution they address; completing commits an episode in
// the order that makes a crash at any point replay it instead of losing events (child rows ->
// sends -> guarded checkpoint -> status -> delete messages). Receipts and ETags stay in `held`.

import { isEntityInstanceId } from '../../domain/entity-id.js';
import type { InstanceState } from '../../domain/index.js';
import { Slots } from '../../domain/slots.js';
import type { FetchOptions, OrchestrationCommit, OrchestrationWorkItem } from '../port.js';
import { CheckpointRefused } from '../work-item-store.js';
import type { ControlMessage, ControlQueues } from './control-queues.js';
import type { HistoryCache } from './history-cache.js';
import { RefusedCheckpoint, type HistoryTable, type StoredHistory } from './history-table.js';
import type { InstancesTable } from './instances-table.js';
import { sendInOrder } from './ordered-send.js';
import type { WorkItemQueue } from './work-item-queue.js';

/**
 * Client start messages are retried this often before they are dropped (no matching Instances row),
 * as the provider does. With the doubling back-off below that is about 8.5 minutes: a row write
 * held up by a stalled link still lands in time, an orphan (the client failed after sending) goes.
 */
const MAX_START_DEQUEUES = 10;
/**
 * The first redelivery delay, doubled per delivery: for a start waiting for its client's row, for
 * messages to a not-yet-started instance, and for work items that failed to load or were abandoned.
 */
const FIRST_REDELIVERY_IN_MS = 1000;
const MAX_BACKOFF_IN_MS = 600_000;
/**
 * Storage requests one commit keeps in flight. A fan-out of 2,500 activities sent all at once
 * drowned the emulator in connections and every other caller got minutes of 503s; queue sends of
 * 32 at a time keep the commit fast and leave room for everyone else.
 */
const COMMIT_REQUESTS_IN_FLIGHT = 32;

interface Held {
  messages: ControlMessage[];
  /** Messages of other executions, deleted with the work item. */
  stale: ControlMessage[];
  /** The execution whose stored events `existingCount` counts (the work item's, until a refused checkpoint stored some). */
  executionId: string;
  existingCount: number;
  sentinelETag?: string;
}

export interface OrchestrationParts {
  instances: InstancesTable;
  history: HistoryTable;
  control: ControlQueues;
  workItems: WorkItemQueue;
}

/** The provider's back-off: doubling per delivery, capped at 10 minutes, so a poison message cannot spin. */
const backoffInMs = (messages: ControlMessage[]) =>
  Math.min(FIRST_REDELIVERY_IN_MS * 2 ** Math.max(0, Math.max(0, ...messages.map((m) => m.dequeueCount)) - 1), MAX_BACKOFF_IN_MS);

function startExecutionId(start: ControlMessage): string {
  const ref = start.data.event.OrchestrationInstance as { ExecutionId?: string | null } | undefined;
  return ref?.ExecutionId ?? start.data.instance.ExecutionId ?? '';
}

const TERMINAL = new Set(['Completed', 'Failed', 'Terminated']);

export class OrchestrationWorkItems {
  private readonly held = new WeakMap<OrchestrationWorkItem, Held>();

  constructor(
    private readonly parts: OrchestrationParts,
    /** Histories as this worker last committed them, while it holds their partition. */
    readonly cache: HistoryCache,
  ) {}

  async fetch(partition: number, options: FetchOptions): Promise<OrchestrationWorkItem[]> {
    const received = await this.parts.control.receive(partition, options.maxMessages, options.lockInMs);
    const byInstance = new Map<string, ControlMessage[]>();
    for (const m of received) {
      const list = byInstance.get(m.data.instance.InstanceId) ?? [];
      list.push(m);
      byInstance.set(m.data.instance.InstanceId, list);
    }
    const items = await Promise.all(
      [...byInstance].map(async ([instanceId, list]) => {
        list.sort((a, b) => a.insertedOn.getTime() - b.insertedOn.getTime() || a.data.sequenceNumber - b.data.sequenceNumber);
        try {
          return await this.load(instanceId, list);
        } catch (error) {
          options.onLoadError?.(instanceId, error);
          await this.release(list, [], backoffInMs(list));
          return undefined;
        }
      }),
    );
    return items.filter((item) => item !== undefined);
  }

  private async load(instanceId: string, messages: ControlMessage[]): Promise<OrchestrationWorkItem | undefined> {
    const { instances, history, control } = this.parts;
    // Entities have no start message: every batch continues the current execution as new.
    if (isEntityInstanceId(instanceId))
      return this.hold(instanceId, messages, [], this.cache.get(instanceId) ?? (await history.read(instanceId)));
    const starts = messages.filter((m) => m.data.event.EventType === 'ExecutionStarted');
    const cached = this.cache.get(instanceId);
    if (cached && starts.length === 0) {
      // A running execution this worker committed last: its row and history are as it left them,
      // unless another writer got in, which the guarded checkpoint then finds.
      const current = messages.filter((m) => !m.data.instance.ExecutionId || m.data.instance.ExecutionId === cached.executionId);
      const item = this.hold(
        instanceId,
        current,
        messages.filter((m) => !current.includes(m)),
        cached,
      );
      item.fromCache = true;
      return item;
    }
    const row = await instances.get(instanceId, { fetchInput: false });
    const stale: ControlMessage[] = [];
    // A sub-orchestration's start has no client row to wait for; a client's start runs only against
    // the row its client wrote. Of concurrent starts of one id the row names the winner: pick it
    // even when a loser's message came first, or the winner would wait as long as the loser does.
    const runnable = (m: ControlMessage) =>
      Boolean(m.data.event.ParentInstance) || (row !== undefined && (!row.executionId || row.executionId === startExecutionId(m)));
    const start = starts.find(runnable);
    for (const early of starts.filter((m) => !runnable(m))) {
      // The client writes the row after enqueueing: wait for it, unless the row was re-created since.
      const superseded = row !== undefined && row.createdTime.getTime() > Date.parse(early.data.event.Timestamp);
      if (superseded || early.dequeueCount >= MAX_START_DEQUEUES) stale.push(early);
      else await control.abandon(early, backoffInMs([early]));
    }
    messages = messages.filter((m) => !starts.includes(m) || runnable(m));
    const executionId = start ? startExecutionId(start) : row?.executionId;
    if (!executionId) return this.release([], stale.concat(messages), 0);
    const current = messages.filter((m) => m === start || !m.data.instance.ExecutionId || m.data.instance.ExecutionId === executionId);
    stale.push(...messages.filter((m) => !current.includes(m)));
    const stored = cached?.executionId === executionId ? cached : await history.read(instanceId, executionId);
    if (!start && stored.events.length === 0 && row) return this.notStartedYet(row, current, stale);
    return this.hold(instanceId, current, stale, { ...stored, executionId }, row);
  }

  private hold(
    instanceId: string,
    messages: ControlMessage[],
    stale: ControlMessage[],
    stored: Omit<StoredHistory, 'rows'>,
    status?: InstanceState,
  ): OrchestrationWorkItem {
    const item: OrchestrationWorkItem = {
      instanceId,
      executionId: stored.executionId ?? '',
      messages: messages.map((m) => ({ instance: m.data.instance, event: m.data.event })),
      history: stored.events,
      status,
    };
    this.held.set(item, {
      messages,
      stale,
      executionId: item.executionId,
      existingCount: stored.events.length,
      sentinelETag: stored.sentinelETag,
    });
    return item;
  }

  /** Messages for an instance whose start has not been processed yet (delayed start, or a race). */
  private async notStartedYet(row: InstanceState, messages: ControlMessage[], stale: ControlMessage[]): Promise<undefined> {
    const terminate = messages.find((m) => m.data.event.EventType === 'ExecutionTerminated');
    if (terminate && row.runtimeStatus === 'Pending') {
      const now = new Date();
      await this.parts.instances.update({
        instanceId: row.instanceId,
        executionId: row.executionId,
        name: row.name,
        version: row.version,
        runtimeStatus: 'Terminated',
        output: (terminate.data.event.Input as string | null | undefined) ?? '',
        lastUpdatedTime: now,
        completedTime: now,
      });
      return this.release([], stale.concat(messages), 0);
    }
    const waiting = row.runtimeStatus === 'Pending' ? messages.filter((m) => m.dequeueCount < MAX_START_DEQUEUES) : [];
    return this.release(waiting, stale.concat(messages.filter((m) => !waiting.includes(m))), backoffInMs(waiting));
  }

  async complete(item: OrchestrationWorkItem, commit: OrchestrationCommit): Promise<void> {
    const held = this.take(item);
    const { instances, history, control, workItems } = this.parts;
    const checkpoint = commit.checkpoint;
    const self = { InstanceId: item.instanceId, ExecutionId: checkpoint?.executionId ?? item.executionId };
    let remember: { executionId: string; sentinelETag: string; base: boolean } | undefined;
    const slots = new Slots(COMMIT_REQUESTS_IN_FLIGHT);
    await Promise.all((commit.childInstances ?? []).map((row) => slots.run(() => instances.update(row))));
    await Promise.all([
      ...(commit.activities ?? []).map((event) => slots.run(() => workItems.send(self, event))),
      sendInOrder(commit.messages ?? [], (o) =>
        slots.run(() => control.send(o.instance, o.event, { sender: self, visibilityDelayInMs: o.delayInMs })).then(() => undefined),
      ),
    ]);
    if (checkpoint) {
      try {
        const sentinelETag = await history.checkpoint({
          instanceId: item.instanceId,
          executionId: checkpoint.executionId,
          // A continue-as-new execution replaces the history from RowKey 0, under the same sentinel.
          existingCount: checkpoint.executionId === held.executionId ? held.existingCount : 0,
          newEvents: checkpoint.newEvents,
          sentinelETag: held.sentinelETag,
        });
        remember = { executionId: checkpoint.executionId, sentinelETag, base: checkpoint.executionId === held.executionId };
      } catch (error) {
        this.cache.delete(item.instanceId);
        this.held.set(item, held); // still held: the caller abandons it, or completes it again after a refusal
        if (!(error instanceof RefusedCheckpoint)) throw error;
        if (error.storedEvents > 0) {
          // What got stored stays: the next commit of this item appends after it.
          held.existingCount = (checkpoint.executionId === held.executionId ? held.existingCount : 0) + error.storedEvents;
          held.executionId = checkpoint.executionId;
          held.sentinelETag = error.sentinelETag;
        }
        throw new CheckpointRefused(item.instanceId, error.reason, error.storedEvents);
      }
    }
    try {
      if (commit.status) {
        // Input and output that went to a history blob in this checkpoint are referenced, not stored twice.
        const written = checkpoint?.newEvents ?? [];
        await instances.update(commit.status, {
          input: history.blobUrlHolding(written, commit.status.input),
          output: history.blobUrlHolding(written, commit.status.output),
        });
      }
      await this.release([], held.stale.concat(held.messages), 0);
    } catch (error) {
      this.cache.delete(item.instanceId);
      throw error;
    }
    const partition = held.messages[0]?.partition;
    // Nothing is kept for an ended execution: a restart, purge or rewind of it happens outside this worker.
    if (TERMINAL.has(commit.status?.runtimeStatus ?? '') || (remember && partition === undefined)) this.cache.delete(item.instanceId);
    else if (remember && partition !== undefined) {
      const appended = checkpoint!.newEvents;
      // Appended in place: copying a long history every episode would cost time in its length.
      // The array is this item's (read for it, or the cache's own) and the item is done with it.
      const events = remember.base ? item.history : [];
      for (const event of appended) events.push(event);
      const entry = { executionId: remember.executionId, events, sentinelETag: remember.sentinelETag, partition };
      this.cache.set(item.instanceId, entry, appended);
    }
  }

  async abandon(item: OrchestrationWorkItem, delayInMs?: number): Promise<void> {
    const held = this.held.get(item);
    if (!held) return;
    this.held.delete(item);
    // Abandoned after a failure: the next delivery reads the history again.
    this.cache.delete(item.instanceId);
    await this.release(held.messages, held.stale, delayInMs ?? backoffInMs(held.messages));
  }

  private take(item: OrchestrationWorkItem): Held {
    const held = this.held.get(item);
    if (!held) throw new Error(`The work item of '${item.instanceId}' was already completed or abandoned.`);
    this.held.delete(item);
    return held;
  }

  /** Makes `retry` visible again after `delayInMs` and deletes `done`; failures only delay redelivery. */
  private async release(retry: ControlMessage[], done: ControlMessage[], delayInMs: number): Promise<undefined> {
    const { control } = this.parts;
    await Promise.all([
      ...retry.map((m) => control.abandon(m, delayInMs).catch(() => undefined)),
      ...done.map((m) => control.delete(m).catch(() => undefined)),
    ]);
    return undefined;
  }
}
