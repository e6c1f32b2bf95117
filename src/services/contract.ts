// What the management operations mean, independent of HTTP or the command line.
// Implemented by src/services/management-service.ts; consumed by src/routes and src/cli.

import type { RuntimeStatus } from '../domain/index.js';
import type { OrchestrationStatus, StatusCounts } from '../schemas/shared.js';
import type { CleanEntityStorageResult, EntityListFilter, EntityListPage, SignalOptions } from './entities.js';

export type { CleanEntityStorageResult, EntityListFilter, EntityListPage, EntityStatusObject, SignalOptions } from './entities.js';

/** Which task hub an operation addresses. */
export interface HubRef {
  /** Allow-listed connection name (default `AzureWebJobsStorage`). */
  connection: string;
  taskHub: string;
}

/** The Durable Functions status object, exactly as serialised on the wire (its schema's type). */
export type StatusObject = OrchestrationStatus;
export type { StatusCounts };

export interface RaiseEventOptions {
  /** The caller's Idempotency-Key: the same key for the same event name applies once per execution. */
  idempotencyKey?: string;
}

export interface StartOptions {
  name: string;
  instanceId?: string;
  /** JSON input: JsonText is stored exactly as written, other values serialised; undefined means no input. */
  input?: unknown;
  version?: string;
}

export interface StatusOptions {
  showInput?: boolean;
  showHistory?: boolean;
  showHistoryOutput?: boolean;
}

/** Orchestrator name: exactly `exact`, or starting with `prefix`. */
export interface NameFilter {
  exact?: string;
  prefix?: string;
}

/** What selects instances: the list's filter, also used by counts and batches. */
export interface InstanceFilter {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: RuntimeStatus[];
  instanceIdPrefix?: string;
  name?: NameFilter;
  /** Leave out entity instances (`@name@key`); default true unless the prefix starts with `@`. */
  excludeEntities?: boolean;
}

export interface ListFilter extends InstanceFilter {
  showInput?: boolean;
}

export interface ListOptions {
  /** 1..1000, default 100. */
  top?: number;
  continuationToken?: string;
}

export interface ListPage {
  instances: StatusObject[];
  /** Absent on the last page. */
  continuationToken?: string;
}

export interface PurgeByFilter {
  createdTimeFrom: Date;
  createdTimeTo?: Date;
  /** Terminal statuses only; default all terminal statuses. */
  runtimeStatus?: RuntimeStatus[];
}

export interface WaitOptions {
  timeoutInMs: number;
  retryIntervalInMs: number;
  abortSignal?: AbortSignal;
}

export type WaitResult = { finished: true; status: StatusObject } | { finished: false; status?: StatusObject };

/**
 * Every operation throws DomainError (src/errors.ts) for the contract's error cases:
 * InstanceNotFound (404), InstanceGone (410), InstanceStateConflict (409), InstanceNotFailed (412),
 * NothingToPurge (404 on purge by filter), BadRequest/InvalidInstanceId/UnknownOrchestrator/UnknownEntity (400),
 * UnknownConnection/InvalidTaskHubName (400), TaskHubNotFound (404), StorageUnavailable (503).
 */
export interface ManagementService {
  start(hub: HubRef, options: StartOptions): Promise<{ instanceId: string }>;
  getStatus(hub: HubRef, instanceId: string, options?: StatusOptions): Promise<StatusObject>;
  list(hub: HubRef, filter: ListFilter, options?: ListOptions): Promise<ListPage>;
  /** Instances per runtime status matching the filter (a scan of the status column only). */
  count(hub: HubRef, filter: InstanceFilter, options?: { abortSignal?: AbortSignal }): Promise<StatusCounts>;
  /** Orchestrator names the in-process worker serves for this hub; undefined when not known. */
  orchestratorNames(hub: HubRef): readonly string[] | undefined;
  purge(hub: HubRef, instanceId: string): Promise<{ instancesDeleted: number }>;
  purgeBy(hub: HubRef, filter: PurgeByFilter, onProgress?: (deleted: number) => void): Promise<{ instancesDeleted: number }>;
  raiseEvent(hub: HubRef, instanceId: string, eventName: string, data: unknown, options?: RaiseEventOptions): Promise<void>;
  terminate(hub: HubRef, instanceId: string, reason?: string): Promise<void>;
  suspend(hub: HubRef, instanceId: string, reason?: string): Promise<void>;
  resume(hub: HubRef, instanceId: string, reason?: string): Promise<void>;
  rewind(hub: HubRef, instanceId: string, reason?: string): Promise<void>;
  restart(hub: HubRef, instanceId: string, options?: { restartWithNewInstanceId?: boolean }): Promise<{ instanceId: string }>;
  /** Resolves as soon as the instance is terminal (woken by in-process checkpoints), or at the timeout. */
  waitForCompletion(hub: HubRef, instanceId: string, options: WaitOptions): Promise<WaitResult>;
  deleteTaskHub(hub: HubRef): Promise<void>;
  /** The entity's state; throws EntityNotFound (404) when it does not exist. `$` is the empty key. */
  getEntity(hub: HubRef, name: string, key: string): Promise<unknown>;
  signalEntity(hub: HubRef, name: string, key: string, options: SignalOptions): Promise<void>;
  listEntities(hub: HubRef, filter: EntityListFilter, options?: ListOptions): Promise<EntityListPage>;
  cleanEntityStorage(
    hub: HubRef,
    options: { removeEmptyEntities: boolean; releaseOrphanedLocks: boolean },
  ): Promise<CleanEntityStorageResult>;
  /** Storage reachability, for /health. */
  health(): Promise<{ storage: 'ok' | 'unreachable' }>;
  /** Storage reachable and the default task hub present, for /health/ready. */
  readiness(): Promise<{ storage: 'ok' | 'unreachable'; taskHub: 'present' | 'missing' | 'unknown' }>;
}
