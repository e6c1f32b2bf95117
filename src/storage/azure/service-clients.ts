// The shape both ways of reaching an account produce (connection string, identity): its own file so
// that clients.ts and identity-clients.ts both name it without importing each other.

import type { TableClient, TableServiceClient } from '@azure/data-tables';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';

/** How an account's clients are made: a connection string and an identity connection differ only here. */
export interface AccountServiceClients {
  tableService: TableServiceClient;
  queueService: QueueServiceClient;
  blobService: BlobServiceClient;
  newTable(name: string): TableClient;
}
