// SDK clients for one storage account. Every attempt has a time limit and retries are few and
// short, so an account that refuses connections, or accepts them and never answers (a frozen
// emulator, a black-holed network), turns into a 503 within seconds instead of hanging a request.

import { RestError, TableClient, TableServiceClient } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { decodeIdentityConnection } from '../../connection-settings.js';
import { NETWORK_ERROR_CODES } from '../../domain/index.js';
import { azuriteConnectionString } from './azurite.js';
import { identityServiceClients } from './identity-clients.js';
import { pointReader, type PointRead } from './point-read.js';
import type { AccountServiceClients } from './service-clients.js';

export interface AccountClients {
  table(name: string): TableClient;
  /** Point reads of a table's rows, lighter than `table(name).getEntity` (see point-read.ts). */
  pointReads(name: string): PointRead;
  tableService: TableServiceClient;
  queue(name: string): QueueClient;
  container(name: string): ContainerClient;
}

/** `UseDevelopmentStorage=true` means the emulator on its default loopback ports. */
export function expandConnectionString(connectionString: string): string {
  if (/^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(connectionString)) {
    return azuriteConnectionString('127.0.0.1', { blob: 10000, queue: 10001, table: 10002 });
  }
  return connectionString;
}

/** Per attempt; two attempts with short back-off bound a storage call at about 2x this plus 0.5 s. */
export const DEFAULT_STORAGE_TRY_TIMEOUT_IN_MS = 3000;

export interface AccountClientOptions {
  tryTimeoutInMs?: number;
}

const TRY_TIMEOUT_MESSAGE = 'Storage did not answer within';

/**
 * The table SDK has no per-attempt timeout: this policy (per retry) aborts an attempt that has not
 * answered in time and fails it as ETIMEDOUT, which the SDK's retry strategy retries.
 */
function tryTimeoutPolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: 'taskhubTryTimeout',
    async sendRequest(request, next) {
      const timer = new AbortController();
      const handle = setTimeout(() => timer.abort(), timeoutInMs);
      const original = request.abortSignal;
      const onAbort = () => timer.abort();
      original?.addEventListener('abort', onAbort);
      request.abortSignal = timer.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timer.signal.aborted && !original?.aborted) {
          throw new RestError(`${TRY_TIMEOUT_MESSAGE} ${timeoutInMs} ms.`, { code: 'ETIMEDOUT', request });
        }
        throw error;
      } finally {
        clearTimeout(handle);
        original?.removeEventListener('abort', onAbort);
        request.abortSignal = original;
      }
    },
  };
}

/** `make` called once per name, its result kept: clients hold connection pools and pipelines. */
function oncePerName<T>(make: (name: string) => T): (name: string) => T {
  const made = new Map<string, T>();
  return (name) => {
    let value = made.get(name);
    if (value === undefined) {
      value = make(name);
      made.set(name, value);
    }
    return value;
  };
}

/** Clients for a connection string, or for an identity connection (config's `identity:` form). */
export function createAccountClients(connectionString: string, options: AccountClientOptions = {}): AccountClients {
  const identity = decodeIdentityConnection(connectionString);
  const expanded = identity ? '' : expandConnectionString(connectionString);
  const allowInsecureConnection = identity
    ? [identity.tableServiceUri, identity.queueServiceUri, identity.blobServiceUri].some((uri) => uri.startsWith('http:'))
    : /DefaultEndpointsProtocol=http;|Endpoint=http:/i.test(expanded);
  const tryTimeoutInMs = options.tryTimeoutInMs ?? DEFAULT_STORAGE_TRY_TIMEOUT_IN_MS;
  const tableOptions = {
    allowInsecureConnection,
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 500 },
    additionalPolicies: [{ policy: tryTimeoutPolicy(tryTimeoutInMs), position: 'perRetry' as const }],
  };
  const storageOptions = { retryOptions: { maxTries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 500, tryTimeoutInMs } };
  const services: AccountServiceClients = identity
    ? identityServiceClients(identity, tableOptions, storageOptions)
    : {
        tableService: TableServiceClient.fromConnectionString(expanded, tableOptions),
        queueService: QueueServiceClient.fromConnectionString(expanded, storageOptions),
        blobService: BlobServiceClient.fromConnectionString(expanded, storageOptions),
        newTable: (name: string) => TableClient.fromConnectionString(expanded, name, tableOptions),
      };
  const { tableService, queueService, blobService } = services;
  const table = oncePerName((name) => services.newTable(name));
  return {
    tableService,
    table,
    pointReads: oncePerName((name) => pointReader(table(name), { allowInsecureConnection })),
    queue: (name) => queueService.getQueueClient(name),
    container: (name) => blobService.getContainerClient(name),
  };
}

/** The HTTP status a storage SDK error carries, if any (a network failure has none). */
export function sdkErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isNotFound = (error: unknown) => sdkErrorStatus(error) === 404;
/**
 * Deleting something already gone is success: purge and hub deletion must be repeatable. Resolves
 * true when the operation did it, false when it was gone already (a purge counts only its own).
 */
export async function ignoreNotFound(operation: Promise<unknown>): Promise<boolean> {
  try {
    await operation;
    return true;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return false;
  }
}

export const isConflict = (error: unknown) => sdkErrorStatus(error) === 409 || sdkErrorStatus(error) === 412;

/** True for network-level failures (nothing answered), as opposed to an HTTP error status. */
export function isUnreachable(error: unknown): boolean {
  if (sdkErrorStatus(error) !== undefined) return false;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
  // The queue and blob SDKs abort an attempt that ran past tryTimeoutInMs and, once out of
  // attempts, throw the AbortError itself.
  return (error as { name?: unknown })?.name === 'AbortError';
}

/**
 * Which network failure it was, safe to log: the error code, plus the message only for the time
 * limit this module raises itself (SDK messages can quote request URLs, and a URL can hold a SAS).
 */
export function unreachableReason(error: unknown): string {
  const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  if (code === 'ETIMEDOUT' && typeof message === 'string' && message.startsWith(TRY_TIMEOUT_MESSAGE)) return message;
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown';
}
