// SDK clients for an identity-based connection (Microsoft Entra tokens instead of an account key):
// the service endpoints come from the connection settings, the credential from @azure/identity.

import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { IdentityConnection } from '../../connection-settings.js';
import type { AccountServiceClients } from './service-clients.js';

/** The credential the settings ask for; nothing is fetched until the first storage call. */
export function identityCredential(connection: IdentityConnection): TokenCredential {
  switch (connection.credential) {
    case 'managedidentity':
      if (connection.managedIdentityResourceId) return new ManagedIdentityCredential({ resourceId: connection.managedIdentityResourceId });
      return connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId }) : new ManagedIdentityCredential();
    case 'clientsecret':
      return new ClientSecretCredential(connection.tenantId!, connection.clientId!, connection.clientSecret!);
    default:
      if (connection.managedIdentityResourceId)
        return new DefaultAzureCredential({ managedIdentityResourceId: connection.managedIdentityResourceId });
      return new DefaultAzureCredential(connection.clientId ? { managedIdentityClientId: connection.clientId } : {});
  }
}

/** The three service clients and a table-client factory for an identity connection. */
export function identityServiceClients(
  connection: IdentityConnection,
  tableOptions: TableServiceClientOptions,
  storageOptions: { retryOptions: { maxTries: number; retryDelayInMs: number; maxRetryDelayInMs: number; tryTimeoutInMs: number } },
): AccountServiceClients {
  const credential = identityCredential(connection);
  return {
    tableService: new TableServiceClient(connection.tableServiceUri, credential, tableOptions),
    queueService: new QueueServiceClient(connection.queueServiceUri, credential, storageOptions),
    blobService: new BlobServiceClient(connection.blobServiceUri, credential, storageOptions),
    newTable: (name) => new TableClient(connection.tableServiceUri, name, credential, tableOptions),
  };
}
