// A hub whose partitions a Durable Functions 2.x app manages with blob leases ({hub}-leases with
// lease blobs): the worker refuses to run on it with a clear message, and the API keeps serving it.
import { BlobServiceClient } from '@azure/storage-blob';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { BlobLeaseHubError, startWorker } from '../../src/worker/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { testConfig, testStores } from '../helpers/stores.js';

const KEY = 'blob-lease-test-key';
const leased = freshHubName('leased');
const tableManaged = freshHubName('tables');

async function leasesContainer(hub: string, blobs: string[]): Promise<void> {
  const container = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(`${hub.toLowerCase()}-leases`);
  await container.createIfNotExists();
  for (const name of blobs) await container.getBlockBlobClient(name).upload('{}', 2);
}

const settingsFor = (hub: string) => ({
  TASKHUB_HUB_NAME: hub,
  TASKHUB_KEYS: KEY,
  TASKHUB_DATA_DIR: join(tmpdir(), `taskhub-${hub}`),
  PORT: '0',
  LOG_LEVEL: 'silent',
});
const configFor = (hub: string) => testConfig(settingsFor(hub));

beforeAll(async () => {
  // What a Durable Functions 2.x app leaves: taskhub.json plus one lease blob per control queue.
  await leasesContainer(leased, ['taskhub.json', `default/${leased.toLowerCase()}-control-00`]);
  // Apps on table partition management write only taskhub.json there.
  await leasesContainer(tableManaged, ['taskhub.json']);
});

describe('hubs with blob-lease partitions', () => {
  const { stores } = testStores(settingsFor(leased));
  afterAll(async () => {
    await stores.close();
  });
  const start = (hub: string) =>
    startWorker({ config: configFor(hub), stores, events: new InstanceEvents(), logger: pino({ level: 'silent' }) });

  it('refuses to run the worker there, naming the lease blobs and what to do', async () => {
    const failure = await start(leased).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BlobLeaseHubError);
    expect((failure as Error).message).toMatch(/blob leases .*default\/.*-control-00.*--no-worker/);
  });

  it('runs on a hub whose leases container holds only taskhub.json', async () => {
    const worker = await start(tableManaged);
    await worker.stop();
  });

  it('keeps serving the API for such a hub when the server starts with its worker', async () => {
    let server: RunningServer | undefined;
    try {
      server = await startServer(configFor(leased));
      const res = await fetch(`${server.url}/runtime/webhooks/durabletask/instances?code=${KEY}`);
      expect(res.status).toBe(200);
      const started = await fetch(`${server.url}/runtime/webhooks/durabletask/orchestrators/E1_HelloSequence?code=${KEY}`, {
        method: 'POST',
      });
      expect(started.status).toBe(202);
    } finally {
      await server?.close();
    }
  });
});
