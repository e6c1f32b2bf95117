// Identity-based storage connections as Azure Functions spells them (`<setting>__accountName`,
// `__tableServiceUri`/`__queueServiceUri`/`__blobServiceUri`, `__credential`, `__clientId`): the
// clients get the right endpoints and the right kind of credential. Nothing here touches the network.
import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { decodeIdentityConnection } from '../../src/connection-settings.js';
import { createAccountClients } from '../../src/storage/azure/clients.js';

/** The credential an SDK client holds (a private field at the type level). */
const credentialOf = (client: object) => (client as { credential?: unknown }).credential;

function clientsFor(env: Record<string, string>, name = 'AzureWebJobsStorage') {
  const config = loadConfig(env);
  const value = config.connections[name];
  expect(value).toBeDefined();
  return { connection: decodeIdentityConnection(value!), clients: createAccountClients(value!) };
}

describe('identity-based connections', () => {
  it('__accountName with __credential=managedidentity and __clientId: account endpoints, user-assigned managed identity', () => {
    const { connection, clients } = clientsFor({
      AzureWebJobsStorage__accountName: 'contosohub',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: '00000000-1111-2222-3333-444444444444',
    });
    expect(connection).toMatchObject({ credential: 'managedidentity', clientId: '00000000-1111-2222-3333-444444444444' });
    expect(clients.tableService.url).toBe('https://contosohub.table.core.windows.net');
    expect(clients.table('MyHubInstances').url).toBe('https://contosohub.table.core.windows.net');
    expect(clients.queue('myhub-control-00').url).toBe('https://contosohub.queue.core.windows.net/myhub-control-00');
    expect(clients.container('myhub-largemessages').url).toBe('https://contosohub.blob.core.windows.net/myhub-largemessages');
    for (const client of [clients.table('MyHubInstances'), clients.queue('q'), clients.container('c')]) {
      expect(credentialOf(client)).toBeInstanceOf(ManagedIdentityCredential);
    }
  });

  it('explicit service URIs (any letter case of the property names) and the DefaultAzureCredential chain when no credential is named', () => {
    const { connection, clients } = clientsFor({
      AzureWebJobsStorage__tableServiceUri: 'https://tables.example.net/',
      AzureWebJobsStorage__QUEUESERVICEURI: 'https://queues.example.net',
      AzureWebJobsStorage__blobServiceUri: 'https://blobs.example.net',
    });
    expect(connection?.credential).toBe('default');
    expect(clients.table('T').url).toBe('https://tables.example.net');
    expect(clients.queue('q').url).toBe('https://queues.example.net/q');
    expect(clients.container('c').url).toBe('https://blobs.example.net/c');
    expect(credentialOf(clients.queue('q'))).toBeInstanceOf(DefaultAzureCredential);
    expect(credentialOf(clients.table('T'))).toBeInstanceOf(DefaultAzureCredential);
  });

  it('a service principal from __tenantId, __clientId and __clientSecret', () => {
    const { clients } = clientsFor({
      AzureWebJobsStorage__accountName: 'contosohub',
      AzureWebJobsStorage__tenantId: 'tenant',
      AzureWebJobsStorage__clientId: 'app',
      AzureWebJobsStorage__clientSecret: 'secret',
    });
    expect(credentialOf(clients.container('c'))).toBeInstanceOf(ClientSecretCredential);
  });

  it('works for named connections (TASKHUB_CONNECTIONS) too', () => {
    const { clients } = clientsFor(
      {
        AzureWebJobsStorage: 'UseDevelopmentStorage=true',
        TASKHUB_CONNECTIONS: 'Orders=ORDERS_STORAGE',
        ORDERS_STORAGE__accountName: 'ordersacct',
        ORDERS_STORAGE__credential: 'managedidentity',
      },
      'Orders',
    );
    expect(clients.queue('q').url).toBe('https://ordersacct.queue.core.windows.net/q');
    expect(credentialOf(clients.queue('q'))).toBeInstanceOf(ManagedIdentityCredential);
  });

  it('a connection string wins over identity settings of the same name, as in the Functions host', () => {
    const config = loadConfig({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', AzureWebJobsStorage__accountName: 'ignored' });
    expect(config.connections.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
  });

  it('refuses incomplete or unusable identity settings at start-up with a message naming what to set', () => {
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('loadConfig accepted the settings');
    };
    expect(
      refused({
        AzureWebJobsStorage__queueServiceUri: 'https://q.example.net',
        AzureWebJobsStorage__blobServiceUri: 'https://b.example.net',
      }),
    ).toMatch(/no AzureWebJobsStorage__tableServiceUri: set AzureWebJobsStorage__accountName, or all of/);
    expect(refused({ AzureWebJobsStorage__credential: 'managedidentity' })).toMatch(
      /no AzureWebJobsStorage__tableServiceUri, AzureWebJobsStorage__queueServiceUri/,
    );
    expect(refused({ AzureWebJobsStorage__accountName: 'contoso', AzureWebJobsStorage__credential: 'password' })).toMatch(
      /may only be 'managedidentity'/,
    );
    expect(refused({ AzureWebJobsStorage__accountName: 'Not_An_Account' })).toMatch(/must be a storage account name/);
    expect(refused({ AzureWebJobsStorage__tableServiceUri: 'tables', AzureWebJobsStorage__accountName: 'contoso' })).toMatch(
      /must be an absolute URL/,
    );
    expect(refused({ AzureWebJobsStorage__accountName: 'contoso', AzureWebJobsStorage__clientSecret: 's' })).toMatch(
      /needs AzureWebJobsStorage__tenantId/,
    );
    expect(refused({ AzureWebJobsStorage: 'UseDevelopmentStorage=true', TASKHUB_CONNECTIONS: 'Orders=ORDERS_STORAGE' })).toMatch(
      /neither ORDERS_STORAGE \(a connection string\) nor identity settings \(ORDERS_STORAGE__accountName/,
    );
  });
});
