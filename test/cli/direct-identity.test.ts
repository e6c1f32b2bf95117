// The CLI's direct transport reads a connection the way the server does: a connection string, or
// the identity settings (`<setting>__accountName` / `__*ServiceUri`, `__credential`, `__clientId`).
// The clients it would use are checked for endpoints and credential kind; nothing touches Azure.
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget, type Target } from '../../src/cli/transport.js';
import { decodeIdentityConnection } from '../../src/connection-settings.js';
import { publishServerAddress } from '../../src/server-address.js';
import { accountClientsFor } from '../helpers/stores.js';
import { runCli } from './cli-helpers.js';

const credentialOf = (client: object) => (client as { credential?: unknown }).credential;

const cwd = mkdtempSync(join(tmpdir(), 'taskhub-cli-identity-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function target(env: Record<string, string>, values: Record<string, string> = {}): { target: Target; notices: string[] } {
  const notices: string[] = [];
  return { target: resolveTarget(values, env, { cwd, notice: (text) => notices.push(text) }), notices };
}

/** The clients the direct transport's store would be built on for `connection`. */
function clientsOf(found: Target, connection: string) {
  expect(found.overHttp).toBe(false);
  const value = found.config?.connections[connection];
  expect(value).toBeDefined();
  return { identity: decodeIdentityConnection(value!), clients: accountClientsFor(value!) };
}

describe('taskhub direct transport with identity-based connections', () => {
  it('AzureWebJobsStorage__accountName with __credential=managedidentity and __clientId: account endpoints, that managed identity', async () => {
    const { target: found, notices } = target({
      AzureWebJobsStorage__accountName: 'contosohub',
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: '00000000-1111-2222-3333-444444444444',
    });
    expect(notices).toEqual([]);
    expect(found.hub).toEqual({ connection: 'AzureWebJobsStorage', taskHub: 'DurableFunctionsHub' });
    const { identity, clients } = clientsOf(found, 'AzureWebJobsStorage');
    expect(identity).toMatchObject({ credential: 'managedidentity', clientId: '00000000-1111-2222-3333-444444444444' });
    expect(clients.table('DurableFunctionsHubInstances').url).toBe('https://contosohub.table.core.windows.net');
    expect(clients.queue('durablefunctionshub-control-00').url).toBe(
      'https://contosohub.queue.core.windows.net/durablefunctionshub-control-00',
    );
    expect(clients.container('c').url).toBe('https://contosohub.blob.core.windows.net/c');
    expect(credentialOf(clients.queue('q'))).toBeInstanceOf(ManagedIdentityCredential);
    // Connecting builds the store's clients only; nothing is sent.
    const connection = await found.connect();
    await connection.close();
  });

  it('--connection-string-setting names the prefix of service URIs; no credential named means the DefaultAzureCredential chain', () => {
    const { target: found } = target(
      {
        ORDERS__tableServiceUri: 'https://tables.example.net',
        ORDERS__queueServiceUri: 'https://queues.example.net',
        ORDERS__blobServiceUri: 'https://blobs.example.net',
        // Another connection's settings are not what the command asked for.
        AzureWebJobsStorage__accountName: 'otheraccount',
      },
      { 'connection-string-setting': 'ORDERS', 'task-hub-name': 'OrdersHub' },
    );
    expect(found.hub).toEqual({ connection: 'ORDERS', taskHub: 'OrdersHub' });
    for (const name of ['ORDERS', 'AzureWebJobsStorage']) {
      const { clients } = clientsOf(found, name);
      expect(clients.table('T').url).toBe('https://tables.example.net');
      expect(clients.queue('q').url).toBe('https://queues.example.net/q');
      expect(clients.container('c').url).toBe('https://blobs.example.net/c');
      expect(credentialOf(clients.table('T'))).toBeInstanceOf(DefaultAzureCredential);
    }
  });

  it('identity settings select storage even when a local server is running from this folder', async () => {
    const remove = await publishServerAddress(join(cwd, '.taskhub'), { url: 'http://127.0.0.1:1', key: 'k' });
    try {
      const local = target({});
      expect(local.target.overHttp).toBe(true);
      expect(local.notices[0]).toContain('using the server at http://127.0.0.1:1');
      const identity = target({ AzureWebJobsStorage__accountName: 'contosohub' });
      expect(identity.notices).toEqual([]);
      expect(clientsOf(identity.target, 'AzureWebJobsStorage').clients.tableService.url).toBe('https://contosohub.table.core.windows.net');
    } finally {
      await remove();
    }
  });

  it('incomplete identity settings are a usage error naming the settings the user wrote', async () => {
    const result = await runCli(['get-instances', '--connection-string-setting', 'ORDERS'], {
      ORDERS__credential: 'managedidentity',
      ORDERS__queueServiceUri: 'https://queues.example.net',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^taskhub get-instances: ORDERS has identity settings but no ORDERS__tableServiceUri, ORDERS__blobServiceUri: /,
    );
  });
});
