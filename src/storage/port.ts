// The TaskHubStore port: everything services and the worker may ask of a task hub.
// One store is bound to one (connection, task hub) pair. Implementations: src/storage/azure/.
// Errors: methods throw the domain errors of src/domain/errors.ts (InstanceStateConflict,
// CheckpointConflict, StorageUnavailable); "not found" is a return value, never an exception.

import type { HistoryEvent, InstanceState, OrchestrationInstanceRef, RuntimeStatus } from '../domain/index.js';

export interface InstanceQuery {
  createdTimeFrom?: Date;
  /** Inclusive upper bound. */
  createdTimeTo?: Date;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
  /** Skip entity instances (ids starting with `@`); ignored when `instanceIdPrefix` is set. */
  excludeEntities?: boolean;
  /** Orchestrator name: equal to `exact`, or starting with `prefix` (a range on the Name column). */
  name?: { exact?: string; prefix?: string };
  /** Default true; false skips reading (and resolving blobs of) `Input`. */
  fetchInput?: boolean;
  /** Default true. */
  fetchOutput?: boolean;
  /**
   * Read only the columns a status object shows (name, status, payloads, times); executionId,
   * version, generation and tags then come back empty. Lists use it to move less data.
   */
  statusColumnsOnly?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Opaque; absent on the last page. */
  continuationToken?: string;
}

export interface CreateInstanceRequest {
  instanceId: string;
  name: string;
  version: string;
  /** JSON text, or null for no input. */
  input: string | null;
  executionId: string;
  scheduledStartTime?: Date;
  tags?: Record<string, string>;
  /** An existing instance in one of these statuses makes the call throw InstanceStateConflict. */
  dedupeStatuses: readonly RuntimeStatus[];
}

export interface HistoryPage {
  events: HistoryEvent[];
  /** The current execution as recorded by the sentinel row (undefined when there is no history). */
  executionId?: string;
  /** ETag of the sentinel row, for the next guarded checkpoint. */
  sentinelETag?: string;
}

export interface QueryOptions {
  /** Page size hint; a page may hold fewer rows (even none) and still carry a token. */
  pageSize: number;
  continuationToken?: string;
  abortSignal?: AbortSignal;
}

export interface PurgeFilter {
  createdTimeFrom: Date;
  createdTimeTo?: Date;
  /** Terminal statuses only; the service refuses anything else before calling. */
  runtimeStatus: RuntimeStatus[];
}

export interface SendOptions {
  /** Delay before the message becomes visible (timers, scheduled starts). */
  visibilityDelayInMs?: number;
  /** Sending orchestration; clients use the empty instance. */
  sender?: OrchestrationInstanceRef;
  episode?: number;
}

/** Management operations (the HTTP API and the CLI). */
export interface TaskHubManagementStore {
  readonly hubName: string;

  /** True when the hub's Instances and History tables exist. */
  exists(): Promise<boolean>;
  /** Creates tables, work-item queue and control queues when missing (idempotent). */
  ensure(): Promise<void>;
  /** Deletes every resource of the hub (queues for the discovered partition count, tables, blobs, leases). */
  deleteHub(): Promise<void>;
  /** Cheap round trip to the storage account; throws StorageUnavailable. */
  ping(): Promise<void>;
  /** Partition count discovered from the hub (Partitions table, taskhub.json) or the configured default. */
  partitionCount(): Promise<number>;
  /**
   * Partition lease blobs in `{hub}-leases` (the blob-lease partition management of Durable
   * Functions 2.x apps); empty when the hub's partitions are not managed with blob leases.
   */
  blobLeaseNames(): Promise<string[]>;

  getInstance(instanceId: string, options?: { fetchInput?: boolean }): Promise<InstanceState | undefined>;
  queryInstances(query: InstanceQuery, options: QueryOptions): Promise<Page<InstanceState>>;
  /** Matching instances per runtime status (every status present, 0 when none); reads no payload columns. */
  countInstances(query: InstanceQuery, options?: { abortSignal?: AbortSignal }): Promise<Record<RuntimeStatus, number>>;
  /** Enqueues ExecutionStarted on the instance's control queue, then writes the Pending row. Idempotent per executionId. */
  createInstance(request: CreateInstanceRequest): Promise<void>;
  /** Sends a client event (EventRaised, ExecutionTerminated, ExecutionSuspended, ...) to the current execution. */
  sendEvent(instanceId: string, event: HistoryEvent): Promise<void>;
  /** The current execution's history, oldest first (large properties resolved). */
  readHistory(instanceId: string): Promise<HistoryPage>;
  /** Deletes history rows, the Instances row and blobs under `{instanceId}/`. Returns 0 when there was no row. */
  purgeInstance(instanceId: string): Promise<number>;
  /** Purges every instance matching the filter; `onProgress` receives the running count. */
  purgeInstances(filter: PurgeFilter, onProgress?: (deleted: number) => void): Promise<number>;
  /**
   * Provider-style rewind of a Failed instance: marks failed rows as GenericEvent ("Rewound: ..."),
   * recursing into failed sub-orchestrations, sets the row Pending and pokes each leaf with a GenericEvent.
   */
  rewind(instanceId: string, reason: string): Promise<void>;
}

export interface ControlMessage {
  /** Queue bookkeeping. */
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  partition: number;
  /** Envelope contents. */
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  sender: OrchestrationInstanceRef;
  sequenceNumber: number;
  episode?: number;
  /** Set when the payload came from a large-message blob. */
  compressedBlobName?: string;
}

export interface WorkItemMessage {
  messageId: string;
  popReceipt: string;
  dequeueCount: number;
  insertedOn: Date;
  instance: OrchestrationInstanceRef;
  /** A TaskScheduled event. */
  event: HistoryEvent;
  episode?: number;
}

export interface CheckpointRequest {
  instanceId: string;
  executionId: string;
  /** Events already stored for this execution (their RowKeys are 0..existingCount-1). */
  existingCount: number;
  newEvents: HistoryEvent[];
  /** ETag from readHistory; undefined for the first checkpoint of a new execution. */
  sentinelETag?: string;
}

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

export interface PartitionLease {
  partition: number;
  owner: string;
  expiresAt: Date;
  /** Opaque concurrency token. */
  etag: string;
  /** Another worker asked for this partition (the provider's NextOwner); the owner should release it. */
  nextOwner?: string;
}

/** A partition's lease row as stored, for balancing partitions across workers. */
export interface PartitionLeaseInfo {
  partition: number;
  /** Empty when free. */
  owner: string;
  nextOwner?: string;
  expiresAt: Date;
}

/** Worker operations (src/worker). A management client never calls these. */
export interface TaskHubWorkerStore extends TaskHubManagementStore {
  sendToInstance(instance: OrchestrationInstanceRef, event: HistoryEvent, options?: SendOptions): Promise<void>;
  /** The control-queue partition whose queue receives this instance's messages. */
  partitionOf(instanceId: string): Promise<number>;
  receiveControlMessages(partition: number, max: number, visibilityTimeoutInMs: number): Promise<ControlMessage[]>;
  deleteControlMessage(message: ControlMessage): Promise<void>;
  abandonControlMessage(message: ControlMessage, delayInMs: number): Promise<void>;

  sendWorkItem(instance: OrchestrationInstanceRef, event: HistoryEvent, episode?: number): Promise<void>;
  receiveWorkItem(visibilityTimeoutInMs: number): Promise<WorkItemMessage | undefined>;
  renewWorkItem(message: WorkItemMessage, visibilityTimeoutInMs: number): Promise<void>;
  deleteWorkItem(message: WorkItemMessage): Promise<void>;

  /** History of one execution (empty when the sentinel names another execution). */
  readExecutionHistory(instanceId: string, executionId: string): Promise<HistoryPage>;
  /** Appends events guarded by the sentinel ETag; throws CheckpointConflict on 409/412. Returns the new ETag. */
  checkpoint(request: CheckpointRequest): Promise<string>;
  /** Replaces the columns given; other columns stay. */
  updateInstance(update: InstanceUpdate): Promise<void>;

  /** Partition ownership; each returns undefined when another owner holds an unexpired lease. */
  tryAcquireLease(partition: number, owner: string, durationInMs: number): Promise<PartitionLease | undefined>;
  renewLease(lease: PartitionLease, durationInMs: number): Promise<PartitionLease | undefined>;
  releaseLease(lease: PartitionLease): Promise<void>;
  /** Every partition's lease (expired ones included). */
  listLeases(): Promise<PartitionLeaseInfo[]>;
  /** Records `requester` as the partition's NextOwner (no-op on a concurrent change); the owner sees it on renew. */
  requestLease(partition: number, requester: string): Promise<void>;
}

/** Resolves the store for a request's `connection` and `taskHub`. */
export interface StoreProvider {
  /** Throws UnknownConnection for names not allow-listed in config. */
  get(connectionName: string, hubName: string): TaskHubWorkerStore;
  close(): Promise<void>;
}
