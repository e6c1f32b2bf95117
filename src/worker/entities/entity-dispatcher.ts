// Runs the batches of entity instances (`@name@key`) received on the control queues this worker
// owns. Like the provider, every batch ends the entity's execution with a continue-as-new that
// carries the scheduler state: history [OrchestratorStarted, ExecutionStarted(state),
// OrchestratorCompleted] replaces the previous execution. The work-item store commits it like an
// episode (outbound messages in order per target, guarded checkpoint, Instances row, then deletes
// the messages) and remembers what it committed, so the next batch need not read the history
// again (the provider's extended sessions). Outbound ids are derived from the requests, so a
// batch replayed after a crash re-sends the same messages and receivers drop the copies.

import type pino from 'pino';
import { parseSchedulerId, type EntityId } from '../../domain/entity-id.js';
import type { RequestMessage } from '../../domain/entity-messages.js';
import { parseSchedulerState, serializeEntityStatus, serializeSchedulerState, type SchedulerState } from '../../domain/entity-state.js';
import { executionStarted, newExecutionId, orchestratorCompleted, orchestratorStarted } from '../../domain/index.js';
import type { OrchestrationCommit, OrchestrationWorkItem } from '../../storage/port.js';
import type { Registry } from '../registry.js';
import { finishBatch, receiveMessages, type EntityWork } from './entity-batch.js';
import { failedBatch, runEntityBatch, type BatchOutcome, type OperationOutcome } from './entity-executor.js';

const DELETE_OPERATION = 'delete';

/** What the work-item store must write for a batch, and what to log once it is written. */
export interface EntityBatchPlan {
  commit: OrchestrationCommit;
  committed(): void;
}

export class EntityDispatcher {
  constructor(
    private readonly registry: Registry,
    private readonly logger: pino.Logger,
  ) {}

  /** Runs one batch of an entity's operations (no I/O but the user code). */
  async plan(item: OrchestrationWorkItem): Promise<EntityBatchPlan> {
    const { instanceId } = item;
    const self = parseSchedulerId(instanceId)!;
    const now = new Date();
    const started = item.history.find((e) => e.EventType === 'ExecutionStarted');
    const state = parseSchedulerState((started?.Input as string | null | undefined) ?? null);
    const work = receiveMessages(
      instanceId,
      state,
      item.messages.map((m) => m.event),
      now,
    );
    const outcome = await this.execute(self, state, work.operations);
    const outbound = finishBatch(instanceId, state, work, outcome, now);

    // The next execution replaces this one (RowKey 0 again); its id is the sender of the outbound messages.
    const executionId = newExecutionId();
    const input = serializeSchedulerState(state);
    const start = executionStarted(
      { instance: { InstanceId: instanceId, ExecutionId: executionId }, name: instanceId, version: '', input },
      now,
    );
    const commit: OrchestrationCommit = {
      messages: outbound,
      checkpoint: {
        executionId,
        newEvents: [orchestratorStarted(now), start, orchestratorCompleted(now)],
      },
      status: {
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
      },
    };
    return { commit, committed: () => logBatch(this.logger, instanceId, work, state) };
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
