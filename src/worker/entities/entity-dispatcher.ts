// Runs the batches of entity instances (`@name@key`) received on the control queues this worker
// owns. Like the provider, every batch ends the entity's execution with a continue-as-new that
// carries the scheduler state: history [OrchestratorStarted, ExecutionStarted(state),
// OrchestratorCompleted] replaces the previous execution under the sentinel ETag, then the
// Instances row is updated, and only then are the handled messages deleted. Outbound messages go
// first; their ids are derived from the requests, so a batch replayed after a crash re-sends the
// same messages and receivers drop the copies.

import type pino from 'pino';
import { parseSchedulerId, type EntityId } from '../../domain/entity-id.js';
import type { RequestMessage } from '../../domain/entity-messages.js';
import { parseSchedulerState, serializeEntityStatus, serializeSchedulerState, type SchedulerState } from '../../domain/entity-state.js';
import { CheckpointConflict, historyEvent, newExecutionId } from '../../domain/index.js';
import type { ControlMessage, TaskHubWorkerStore } from '../../storage/port.js';
import type { Registry } from '../registry.js';
import { finishBatch, receiveMessages, type EntityWork } from './entity-batch.js';
import { sendInOrder } from './ordered-send.js';
import { failedBatch, runEntityBatch, type BatchOutcome, type OperationOutcome } from './entity-executor.js';

/** Settles a batch's messages: abandon `retry` after `delayInMs`, delete `done`. */
export type Settle = (retry: ControlMessage[], done: ControlMessage[], delayInMs: number) => Promise<void>;

const DELETE_OPERATION = 'delete';
/** Entities whose last committed state this worker remembers (the provider's extended sessions, in effect). */
const CACHED_ENTITIES = 10_000;

interface Committed {
  /** Scheduler state text as checkpointed. */
  input: string;
  sentinelETag: string;
}

export class EntityDispatcher {
  /**
   * What this worker itself last committed per entity: the next batch starts from it instead of
   * reading the history again. A stale entry (another worker wrote since) fails the guarded
   * checkpoint, is dropped, and the batch is retried from storage.
   */
  private readonly committed = new Map<string, Committed>();

  constructor(
    private readonly store: TaskHubWorkerStore,
    private readonly registry: Registry,
    private readonly logger: pino.Logger,
  ) {}

  async process(instanceId: string, messages: ControlMessage[], settle: Settle): Promise<void> {
    const self = parseSchedulerId(instanceId)!;
    const now = new Date();
    const known = this.committed.get(instanceId) ?? (await this.readCommitted(instanceId));
    const state = parseSchedulerState(known?.input ?? null);
    const work = receiveMessages(
      instanceId,
      state,
      messages.map((m) => m.event),
      now,
    );
    const outcome = await this.execute(self, state, work.operations);
    const outbound = finishBatch(instanceId, state, work, outcome, now);

    const executionId = newExecutionId();
    const sender = { InstanceId: instanceId, ExecutionId: executionId };
    await sendInOrder(outbound, (o) => this.store.sendToInstance(o.instance, o.event, { sender, visibilityDelayInMs: o.delayInMs }));
    const input = serializeSchedulerState(state);
    const start = historyEvent(
      'ExecutionStarted',
      {
        OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
        ParentInstance: null,
        Name: instanceId,
        Version: '',
        Input: input,
        Tags: null,
      },
      -1,
      now,
    );
    let sentinelETag: string;
    try {
      sentinelETag = await this.store.checkpoint({
        instanceId,
        executionId,
        existingCount: 0,
        newEvents: [historyEvent('OrchestratorStarted', {}, -1, now), start, historyEvent('OrchestratorCompleted', {}, -1, now)],
        sentinelETag: known?.sentinelETag,
      });
    } catch (error) {
      this.committed.delete(instanceId);
      if (!(error instanceof CheckpointConflict)) throw error;
      this.logger.warn({ instanceId }, 'entity checkpoint conflict; retrying the batch');
      return settle(messages, [], 100);
    }
    this.remember(instanceId, { input, sentinelETag });
    await this.store.updateInstance({
      instanceId,
      executionId,
      name: instanceId,
      version: '',
      runtimeStatus: 'Running',
      input,
      output: null,
      customStatus: serializeEntityStatus(state),
      createdTime: now,
      lastUpdatedTime: now,
    });
    logBatch(this.logger, instanceId, work, state);
    // Deleting is not awaited: the messages stay invisible meanwhile, and a copy that comes back
    // (the delete failed or the process died) is recognised by its request id.
    void settle([], messages, 0).catch(() => undefined);
  }

  private async readCommitted(instanceId: string): Promise<Committed | undefined> {
    const page = await this.store.readHistory(instanceId);
    if (!page.sentinelETag) return undefined;
    const started = page.events.find((e) => e.EventType === 'ExecutionStarted');
    return { input: (started?.Input as string | null | undefined) ?? 'null', sentinelETag: page.sentinelETag };
  }

  private remember(instanceId: string, committed: Committed): void {
    this.committed.delete(instanceId);
    this.committed.set(instanceId, committed);
    if (this.committed.size > CACHED_ENTITIES) this.committed.delete(this.committed.keys().next().value!);
  }

  /**
   * Runs the operations through the package's executor. A `delete` runs on its own: when the
   * entity function leaves the state untouched (no case for it), the host deletes the entity,
   * which is what the extension's DELETE route promises.
   */
  private async execute(self: EntityId, state: SchedulerState, operations: RequestMessage[]): Promise<BatchOutcome> {
    const fn = this.registry.findEntity(self.name);
    const total: BatchOutcome = { exists: state.exists, state: state.state, results: [], signals: [] };
    let segment: RequestMessage[] = [];
    const flush = async (ops: RequestMessage[]) => {
      if (ops.length === 0) return;
      const batch = {
        self,
        exists: total.exists,
        state: total.state,
        operations: ops.map((r) => ({ id: r.id, name: r.op ?? '', input: r.input, isSignal: r.signal === true })),
        log: (level: string, message: string) => this.logger.info({ entity: self, level }, message),
      };
      const out = fn
        ? await runEntityBatch(fn, batch)
        : failedBatch(batch, `The entity function '${self.name}' is not registered with this worker.`);
      const untouchedDelete =
        ops.length === 1 &&
        ops[0].op === DELETE_OPERATION &&
        !out.results[0]?.isError &&
        out.signals.length === 0 &&
        out.exists === total.exists &&
        out.state === total.state;
      total.exists = untouchedDelete ? false : out.exists;
      total.state = untouchedDelete ? undefined : out.state;
      total.results.push(...out.results.map((r): OperationOutcome => r));
      total.signals.push(...out.signals);
    };
    for (const op of operations) {
      if (op.op === DELETE_OPERATION) {
        await flush(segment);
        segment = [];
        await flush([op]);
      } else {
        segment.push(op);
      }
    }
    await flush(segment);
    return total;
  }
}

function logBatch(logger: pino.Logger, instanceId: string, work: EntityWork, state: SchedulerState): void {
  logger.debug(
    {
      instanceId,
      operations: work.operations.length,
      lock: work.lockRequest?.parent,
      duplicates: work.duplicates,
      queued: state.queue.length,
      exists: state.exists,
    },
    'entity batch',
  );
}
