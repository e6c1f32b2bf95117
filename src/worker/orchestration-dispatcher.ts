// Runs orchestration episodes for the partitions this worker owns: fetch a work item per instance,
// plan the episode (no I/O), then complete the work item with the plan or abandon it. The store
// commits in an order that replays the episode after a crash instead of losing events.

import type pino from 'pino';
import { isEntityInstanceId } from '../domain/entity-id.js';
import { CheckpointConflict } from '../domain/index.js';
import type { InstanceEvents } from '../services/instance-events.js';
import type { InstanceUpdate, OrchestrationCommit, OrchestrationWorkItem, WorkItemStore } from '../storage/port.js';
import { CheckpointRefused } from '../storage/work-item-store.js';
import type { EntityDispatcher } from './entities/entity-dispatcher.js';
import { planEpisode, type EpisodePlan } from './episode.js';
import { failRefusedEpisode } from './episode/refused.js';
import type { SuspendedRun } from './df-host.js';
import { HistoryIndexes } from './history-index.js';
import { ReplaySessions } from './replay-sessions.js';
import type { WorkerObserver } from './observer.js';
import { rowRepair } from './status-from-history.js';
import type { Registry } from './registry.js';

/** A replay after a checkpoint conflict should come soon: the other writer is already done. */
const CONFLICT_RETRY_IN_MS = 100;

export interface DispatcherOptions {
  controlVisibilityInMs: number;
  batchSize: number;
  observer?: WorkerObserver;
  /** Continue suspended orchestrator runs between episodes (default true). */
  replaySessions?: boolean;
}

export class OrchestrationDispatcher {
  /** Orchestrator runs suspended between episodes, continued when the store serves the history they consumed. */
  private readonly sessions = new ReplaySessions<SuspendedRun>();
  /** Indexes of the histories this worker planned, extended by the next episode of the same instance. */
  private readonly indexes = new HistoryIndexes();

  constructor(
    private readonly store: WorkItemStore,
    private readonly registry: Registry,
    private readonly events: InstanceEvents,
    private readonly logger: pino.Logger,
    private readonly options: DispatcherOptions,
    /** Runs the batches of entity instances (`@name@key`), which are not orchestrations. */
    private readonly entities?: EntityDispatcher,
  ) {}

  /** Fetches one partition's work items and runs them; returns the number of work items seen. */
  async pollOnce(partition: number): Promise<number> {
    const items = await this.store.fetchOrchestrationWorkItems(partition, {
      maxMessages: this.options.batchSize,
      lockInMs: this.options.controlVisibilityInMs,
      onLoadError: (instanceId, err) => this.logger.error({ err, instanceId }, 'loading an orchestration failed; messages will be retried'),
    });
    await Promise.all(items.map((item) => this.run(item)));
    return items.length;
  }

  private async run(item: OrchestrationWorkItem): Promise<void> {
    const { instanceId } = item;
    try {
      if (this.entities && isEntityInstanceId(instanceId)) {
        const batch = await this.entities.plan(item);
        await this.store.completeOrchestrationWorkItem(item, batch.commit);
        batch.committed();
        this.options.observer?.episode(this.store.hubName, 'completed');
        return;
      }
      const plan = await planEpisode({
        instanceId,
        executionId: item.executionId,
        history: item.history,
        messages: item.messages,
        registry: this.registry,
        now: new Date(),
        log: (level, message) => this.logger.info({ instanceId, level }, message),
        sessions: this.options.replaySessions === false ? undefined : this.sessions,
        indexes: this.options.replaySessions === false ? undefined : this.indexes,
      });
      // An idle episode still brings a status row that fell behind its history (an earlier
      // checkpoint saved its history and failed its row write) in line: the history is the truth.
      // (A history from this worker's cache comes with a row its own last commit wrote.)
      const repair = () => (item.fromCache ? undefined : rowRepair(item.status, item.executionId, item.history, new Date()));
      const commit = plan.kind === 'idle' ? { status: repair() } : commitOf(plan);
      if (plan.kind === 'idle' && commit.status) {
        this.logger.warn({ instanceId, runtimeStatus: commit.status.runtimeStatus }, 'status row behind its history; repaired');
      }
      const status = await this.commit(item, plan, commit);
      if (status) this.events.notify({ taskHub: this.store.hubName, instanceId, runtimeStatus: status.runtimeStatus });
      this.options.observer?.episode(this.store.hubName, 'completed');
    } catch (error) {
      if (error instanceof CheckpointConflict) {
        this.logger.warn({ instanceId }, 'checkpoint conflict; retrying the episode');
        return this.store.abandonOrchestrationWorkItem(item, CONFLICT_RETRY_IN_MS);
      }
      this.options.observer?.episode(this.store.hubName, 'failed');
      this.logger.error({ err: error, instanceId }, 'orchestration episode failed; messages will be retried');
      await this.store.abandonOrchestrationWorkItem(item);
    }
  }

  /**
   * Completes the work item with the plan's commit; when storage refuses the history for good, fails
   * the instance with what storage said instead of retrying forever. Returns the row status written.
   */
  private async commit(item: OrchestrationWorkItem, plan: EpisodePlan, commit: OrchestrationCommit): Promise<InstanceUpdate | undefined> {
    try {
      await this.store.completeOrchestrationWorkItem(item, commit);
      return commit.status;
    } catch (error) {
      if (!(error instanceof CheckpointRefused) || plan.kind !== 'checkpoint') throw error;
      this.logger.error(
        { instanceId: item.instanceId, reason: error.reason },
        'storage refused the history of an episode; failing the instance',
      );
      const failing = failRefusedEpisode({
        plan,
        history: item.history,
        reason: error.reason,
        storedEvents: error.storedEvents,
        now: new Date(),
      });
      try {
        await this.store.completeOrchestrationWorkItem(item, failing);
      } catch (again) {
        if (!(again instanceof CheckpointRefused)) throw again;
        // Not even the closing events can be stored: the row alone says why the instance stopped.
        await this.store.completeOrchestrationWorkItem(item, { messages: failing.messages, status: failing.status });
      }
      return failing.status;
    }
  }
}

/** What the store must write for a plan. */
function commitOf(plan: EpisodePlan): OrchestrationCommit {
  switch (plan.kind) {
    case 'idle':
      return {};
    case 'rearm':
      return { messages: plan.outbound };
    case 'checkpoint':
      return {
        childInstances: plan.childRows,
        activities: plan.workItems,
        messages: plan.outbound,
        checkpoint: { executionId: plan.executionId, newEvents: plan.newEvents },
        status: plan.update,
      };
  }
}
