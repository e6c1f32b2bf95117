// The work-item store port: what the worker asks of one task hub, in the shape of
// microsoft/durabletask-go's backend.Backend: fetch a work item, complete it with what the worker
// decided, or abandon it. Queue receipts, ETags and row counts stay inside the adapter; the adapter
// owns the commit order of an episode (send -> checkpoint -> status -> delete messages), so a crash
// at any point replays the episode instead of losing events.
//
// Errors: StorageUnavailable when the account does not answer; CheckpointConflict where stated.
// Delivery is at least once: a work item not completed in time is fetched again (by any worker).

import type { HistoryEvent, InstanceState, OrchestrationInstanceRef, RuntimeStatus } from '../domain/index.js';

/** One new message for an orchestration, as the planner sees it. */
export interface OrchestrationMessage {
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
}

/** New messages of one instance, with the history of the execution they address. */
export interface OrchestrationWorkItem {
  instanceId: string;
  executionId: string;
  /** New messages for `executionId` in queue order; stale executions' messages are already left out. */
  messages: OrchestrationMessage[];
  /**
   * Stored history of `executionId`, oldest first (empty for a fresh start). A completed item's
   * array may become the store's cached history, which later commits append to in place: read it
   * before completing the item, not after.
   */
  history: HistoryEvent[];
  /** The instance's status as stored (payloads not read); undefined before the client wrote it. */
  status?: InstanceState;
  /**
   * The history is what this worker's own last commit left, kept in memory (the same event objects),
   * and the row was not read: it is as that commit wrote it. A stale one fails the checkpoint.
   */
  fromCache?: boolean;
}

/** A control message to send: a timer to self, a start to a child, a completion to the parent. */
export interface OutboundMessage {
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  delayInMs?: number;
}

/** Columns of an Instances row to write; absent optional columns keep their stored value. */
export interface InstanceUpdate {
  instanceId: string;
  executionId: string;
  name: string;
  version: string;
  runtimeStatus: RuntimeStatus;
  input?: string | null;
  output?: string | null;
  customStatus?: string | null;
  createdTime?: Date;
  lastUpdatedTime: Date;
  completedTime?: Date;
  generation?: number;
  tags?: Record<string, string>;
}

/** What the worker decided for a work item. Every part is optional: an empty commit only acknowledges. */
export interface OrchestrationCommit {
  /** Pending rows for new sub-orchestrations, written before their start messages are sent. */
  childInstances?: InstanceUpdate[];
  /** TaskScheduled events, one activity work item each. */
  activities?: HistoryEvent[];
  messages?: OutboundMessage[];
  /** Events to append to the history of `executionId` (a new execution starts at RowKey 0). */
  checkpoint?: { executionId: string; newEvents: HistoryEvent[] };
  /** Written after the checkpoint. */
  status?: InstanceUpdate;
}

export interface ActivityWorkItem {
  /** The orchestration that scheduled the activity. */
  instance: OrchestrationInstanceRef;
  /** The TaskScheduled event (Name, Input, EventId). */
  event: HistoryEvent;
}

export interface PartitionLease {
  partition: number;
  owner: string;
  expiresAt: Date;
  /** Another worker asked for this partition (the provider's NextOwner); the owner should release it. */
  nextOwner?: string;
}

/** A partition's lease as stored, for balancing partitions across workers. */
export interface PartitionLeaseInfo {
  partition: number;
  /** Empty when free. */
  owner: string;
  nextOwner?: string;
  expiresAt: Date;
}

export interface FetchOptions {
  /** Upper bound on messages received in one call. */
  maxMessages: number;
  /** How long fetched work stays hidden from other workers before it is delivered again. */
  lockInMs: number;
  /** Told about instances whose messages could not be loaded (they are abandoned with back-off). */
  onLoadError?: (instanceId: string, error: unknown) => void;
}

/**
 * Thrown by completeOrchestrationWorkItem when storage refuses the episode's history for a reason
 * retrying cannot fix (a row or a one-row batch over the service's limits, a property it rejects).
 * The work item stays held: the worker completes it again with a commit that fails the instance
 * (appended after the `storedEvents` that did get stored), or abandons it.
 */
export class CheckpointRefused extends Error {
  constructor(
    readonly instanceId: string,
    /** What storage answered, for the instance's failure message (no secrets: service text only). */
    readonly reason: string,
    /** Leading events of the refused checkpoint that were stored before the refusal. */
    readonly storedEvents: number,
  ) {
    super(`Storage refused the history of '${instanceId}': ${reason}`);
    this.name = 'CheckpointRefused';
  }
}

/** Resolves the work-item store of a (connection, task hub) pair: all the worker may ask for. */
export interface WorkItemStoreProvider {
  /** Throws UnknownConnection for names not allow-listed in config. */
  workItems(connectionName: string, hubName: string): WorkItemStore;
}

export interface WorkItemStore {
  readonly hubName: string;
  /** Creates the hub's tables and queues when missing. Idempotent. */
  ensure(): Promise<void>;
  /** Control-queue partitions of the hub (discovered from the hub, else configured). */
  partitionCount(): Promise<number>;
  /** The control-queue partition whose queue receives this instance's messages. */
  partitionOf(instanceId: string): Promise<number>;
  /**
   * Partition lease blobs in `{hub}-leases` (the blob-lease partition management of Durable
   * Functions 2.x apps); empty when the hub's partitions are not managed with blob leases.
   */
  blobLeaseNames(): Promise<string[]>;

  /**
   * New messages of one partition grouped into one work item per instance. Messages the adapter
   * can already judge (duplicated or stale starts, executions that ended, instances whose start is
   * not stored yet) are handled inside and never returned. Returns [] when there is nothing to do.
   */
  fetchOrchestrationWorkItems(partition: number, options: FetchOptions): Promise<OrchestrationWorkItem[]>;
  /**
   * Commits in order: child rows, then activities and messages, then the checkpoint (guarded: throws
   * CheckpointConflict when another worker appended first, nothing after it is written), then the
   * status, then deletes the work item's messages. Safe to repeat after a crash: every step is an
   * upsert or a guarded append, and sends are deduplicated by the planner on replay. Throws
   * CheckpointRefused (the item stays held) when storage refuses the history for good.
   */
  completeOrchestrationWorkItem(item: OrchestrationWorkItem, commit: OrchestrationCommit): Promise<void>;
  /**
   * Makes the work item's messages visible again after `delayInMs` (default: the provider's back-off,
   * doubling per delivery up to 10 minutes). Never throws for messages already gone.
   */
  abandonOrchestrationWorkItem(item: OrchestrationWorkItem, delayInMs?: number): Promise<void>;

  /** The next activity to run, hidden for `lockInMs`; undefined when the queue is empty. */
  fetchActivityWorkItem(lockInMs: number): Promise<ActivityWorkItem | undefined>;
  /** Up to `max` activities in one receive (at most 32), each hidden for `lockInMs`; [] when the queue is empty. */
  fetchActivityWorkItems(max: number, lockInMs: number): Promise<ActivityWorkItem[]>;
  /** Extends the lock of a running activity. */
  renewActivityWorkItem(item: ActivityWorkItem, lockInMs: number): Promise<void>;
  /** Sends `result` (TaskCompleted/TaskFailed) to the scheduling instance, then deletes the work item (at least once). */
  completeActivityWorkItem(item: ActivityWorkItem, result: HistoryEvent): Promise<void>;
  /** Makes the work item visible again after `delayInMs`. Never throws for an item already gone. */
  abandonActivityWorkItem(item: ActivityWorkItem, delayInMs: number): Promise<void>;

  /** Partition ownership; each returns undefined when another owner holds an unexpired lease. */
  tryAcquireLease(partition: number, owner: string, durationInMs: number): Promise<PartitionLease | undefined>;
  renewLease(lease: PartitionLease, durationInMs: number): Promise<PartitionLease | undefined>;
  /** Idempotent; a lease already taken over is left alone. */
  releaseLease(lease: PartitionLease): Promise<void>;
  /** Every partition's lease (expired ones included). */
  listLeases(): Promise<PartitionLeaseInfo[]>;
  /** Records `requester` as the partition's NextOwner (no-op when one is recorded); the owner sees it on renew. */
  requestLease(partition: number, requester: string): Promise<void>;
}
