// The management store port: what the services (HTTP API, CLI) may ask of one task hub.
// One store is bound to one (connection, task hub) pair; the Azure adapter is src/storage/azure/.
//
// Errors: methods throw the domain errors of src/domain (StorageUnavailable when the account does
// not answer; InstanceStateConflict and BadRequest where stated); "not found" is a return value,
// never an exception. Reads are side-effect free; every write says whether it is idempotent.

import type { HistoryEvent, InstanceState, RuntimeStatus } from '../domain/index.js';

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

export interface ListOptions {
  /** Page size hint; a page may hold fewer rows (even none) and still carry a token. */
  pageSize: number;
  continuationToken?: string;
  abortSignal?: AbortSignal;
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

export interface PurgeFilter {
  createdTimeFrom: Date;
  createdTimeTo?: Date;
  /** Terminal statuses only; the service refuses anything else before calling. */
  runtimeStatus: RuntimeStatus[];
}

export interface SendEventOptions {
  /** Delay before the instance sees the event (scheduled entity signals). */
  delayInMs?: number;
}

export interface InstanceHistory {
  /** The current execution's events, oldest first (large properties resolved). */
  events: HistoryEvent[];
  /** The current execution (undefined when there is no history). */
  executionId?: string;
}

/** Resolves the management store of a (connection, task hub) pair: all the services may ask for. */
export interface ManagementStoreProvider {
  /** Throws UnknownConnection for names not allow-listed in config. */
  management(connectionName: string, hubName: string): ManagementStore;
}

export interface ManagementStore {
  readonly hubName: string;

  /** True when the hub's Instances and History tables exist. */
  exists(): Promise<boolean>;
  /** Creates tables, the work-item queue and the control queues when missing. Idempotent. */
  ensure(): Promise<void>;
  /** Deletes every resource of the hub (queues, tables, blobs, leases). Idempotent. */
  deleteHub(): Promise<void>;
  /** Cheap round trip to the storage account; throws StorageUnavailable. */
  ping(): Promise<void>;

  getInstance(instanceId: string, options?: { fetchInput?: boolean }): Promise<InstanceState | undefined>;
  /**
   * The instances among `instanceIds` that are in a terminal status, read as getInstance reads them
   * (with input): one round trip for many ids. Only rows written at or after `changedSince`
   * (storage's clock) are candidates, so pass a time at which each of them was known to be still
   * running, less a margin for clock skew. Unknown ids are simply absent.
   */
  finishedAmong(instanceIds: readonly string[], changedSince: Date): Promise<Map<string, InstanceState>>;
  /** One page of instances; throws BadRequest for a continuation token this store did not issue. */
  listInstances(query: InstanceQuery, options: ListOptions): Promise<Page<InstanceState>>;
  /** Matching instances per runtime status (every status present, 0 when none); reads no payload columns. */
  countInstances(query: InstanceQuery, options?: { abortSignal?: AbortSignal }): Promise<Record<RuntimeStatus, number>>;
  /**
   * Enqueues ExecutionStarted on the instance's control queue, then writes the Pending row.
   * Throws InstanceStateConflict when the existing row is in one of `dedupeStatuses`.
   * Idempotent per executionId (a concurrent writer of the same row wins silently).
   */
  createInstance(request: CreateInstanceRequest): Promise<void>;
  /**
   * Sends a client event (EventRaised, ExecutionTerminated, ExecutionSuspended, ...) to the current
   * execution. Not idempotent: each call enqueues one message (the worker dedupes what it must).
   */
  sendEvent(instanceId: string, event: HistoryEvent, options?: SendEventOptions): Promise<void>;
  /** The current execution's history (empty when there is none). */
  getHistory(instanceId: string): Promise<InstanceHistory>;
  /** Deletes history rows, the Instances row and the instance's blobs. Returns 0 when there was no row. Idempotent. */
  purgeInstance(instanceId: string): Promise<number>;
  /** Purges every instance matching the filter; `onProgress` receives the running count. Idempotent. */
  purgeInstances(filter: PurgeFilter, onProgress?: (deleted: number) => void): Promise<number>;
  /**
   * Provider-style rewind of a Failed instance: failed rows become GenericEvent ("Rewound: ..."),
   * failed sub-orchestrations are rewound recursively, rows go back to Pending and each leaf gets a
   * GenericEvent message. Repeating it on a rewound instance only sends another poke.
   */
  rewind(instanceId: string, reason: string): Promise<void>;
}
