// SDK clients for one storage account. Retries are few and short so an unreachable account turns
// into a 503 within seconds instead of hanging a request.

import { TableClient, TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { azuriteConnectionString } from './azurite.js';

export interface AccountClients {
  table(name: string): TableClient;
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

export function createAccountClients(connectionString: string): AccountClients {
  const expanded = expandConnectionString(connectionString);
  const allowInsecureConnection = /DefaultEndpointsProtocol=http;|Endpoint=http:/i.test(expanded);
  const tableOptions = { allowInsecureConnection, retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } };
  const storageOptions = { retryOptions: { maxTries: 3, retryDelayInMs: 200, maxRetryDelayInMs: 1000, tryTimeoutInMs: 30_000 } };
  const tableService = TableServiceClient.fromConnectionString(expanded, tableOptions);
  const queueService = QueueServiceClient.fromConnectionString(expanded, storageOptions);
  const blobService = BlobServiceClient.fromConnectionString(expanded, storageOptions);
  const tables = new Map<string, TableClient>();
  return {
    tableService,
    table(name) {
      let client = tables.get(name);
      if (!client) {
        client = TableClient.fromConnectionString(expanded, name, tableOptions);
        tables.set(name, client);
      }
      return client;
    },
    queue: (name) => queueService.getQueueClient(name),
    container: (name) => blobService.getContainerClient(name),
  };
}

/** HTTP status of an SDK error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isNotFound = (error: unknown) => statusOf(error) === 404;
/** Deleting something already gone is success: purge and hub deletion must be repeatable. */
export async function ignoreNotFound(operation: Promise<unknown>): Promise<void> {
  try {
    await operation;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export const isConflict = (error: unknown) => statusOf(error) === 409 || statusOf(error) === 412;

/** True for network-level failures (nothing answered), as opposed to an HTTP error status. */
export function isUnreachable(error: unknown): boolean {
  if (statusOf(error) !== undefined) return false;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|EHOSTUNREACH|REQUEST_SEND_ERROR)$/.test(code);
}
