// The real durable-functions 3.5.0 DurableClient against taskhub with its worker running:
// instances progress, and the client's own helpers see the results.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import { startWorker, type RunningWorker } from '../../src/worker/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { clientBindingData, durableClientClass } from './client-binding.js';

interface Status {
  runtimeStatus: string;
  output: unknown;
  customStatus: unknown;
}
interface HttpResponseLike {
  status: number;
  json(): Promise<unknown>;
  headers: { get(name: string): string | null };
}
interface Client {
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(id: string): Promise<Status>;
  raiseEvent(id: string, event: string, data: unknown): Promise<void>;
  terminate(id: string, reason: string): Promise<void>;
  rewind(id: string, reason: string): Promise<void>;
  waitForCompletionOrCreateCheckStatusResponse(
    request: unknown,
    id: string,
    options?: { timeoutInMilliseconds?: number; retryIntervalInMilliseconds?: number },
  ): Promise<HttpResponseLike>;
}

const require = createRequire(import.meta.url);
const DurableClient = durableClientClass<Client>();
const { HttpRequest } = require('@azure/functions') as { HttpRequest: new (init: { method: string; url: string }) => unknown };

const KEY = 'compat-worker-key-0123456789';
const hub = freshHubName('compatw');
let app: FastifyInstance;
let worker: RunningWorker;
let client: Client;
let origin: string;

beforeAll(async () => {
  const config = loadConfig({
    AzureWebJobsStorage: azuriteConnectionString(),
    TASKHUB_HUB_NAME: hub,
    TASKHUB_KEYS: KEY,
    TASKHUB_PARTITION_COUNT: '2',
  });
  const stores = createAzureStoreProvider(config);
  await stores.adapter('AzureWebJobsStorage', hub).ensure();
  const events = new InstanceEvents();
  worker = await startWorker({ config, stores, events, logger: pino({ level: 'silent' }) });
  app = await buildApp({ config, stores, events, keys: [KEY], logger: false, orchestratorNames: () => worker.orchestratorNames() });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  client = new DurableClient(clientBindingData(origin, hub, KEY));
});

afterAll(async () => {
  await app?.close();
  await worker?.stop();
});

const request = () => new HttpRequest({ method: 'POST', url: `${origin}/api/orchestrators/E1_HelloSequence` });

describe('durable-functions 3.5.0 DurableClient with the worker running', () => {
  it('waitForCompletionOrCreateCheckStatusResponse returns the output of a finished orchestration', async () => {
    const id = await client.startNew('E1_HelloSequence');
    const response = await client.waitForCompletionOrCreateCheckStatusResponse(request(), id, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 100,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']);
  });

  it('raiseEvent reaches a waiting orchestration; terminate ends one with its reason', async () => {
    const approved = await client.startNew('HumanApproval', { input: { timeoutSeconds: 300 } });
    await client.raiseEvent(approved, 'Approval', { by: 'ops' });
    const done = await client.waitForCompletionOrCreateCheckStatusResponse(request(), approved, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 100,
    });
    expect(await done.json()).toEqual({ by: 'ops' });

    const stopped = await client.startNew('HumanApproval', { input: { timeoutSeconds: 300 } });
    await client.terminate(stopped, 'no longer needed');
    const terminated = await client.waitForCompletionOrCreateCheckStatusResponse(request(), stopped, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 100,
    });
    expect(terminated.status).toBe(200);
    expect(await terminated.json()).toMatchObject({ runtimeStatus: 'Terminated', output: 'no longer needed' });
  });

  it('rewind of a Failed instance is accepted and the instance then completes', async () => {
    const id = await client.startNew('FlakySequence');
    const failed = await client.waitForCompletionOrCreateCheckStatusResponse(request(), id, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 100,
    });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ runtimeStatus: 'Failed' });
    await client.rewind(id, 'fixed');
    const completed = await client.waitForCompletionOrCreateCheckStatusResponse(request(), id, {
      timeoutInMilliseconds: 20_000,
      retryIntervalInMilliseconds: 100,
    });
    expect(completed.status).toBe(200);
  });

  it('answers 202 with the check-status payload when the orchestration is still running', async () => {
    const id = await client.startNew('HumanApproval', { input: { timeoutSeconds: 300 } });
    const response = await client.waitForCompletionOrCreateCheckStatusResponse(request(), id, {
      timeoutInMilliseconds: 300,
      retryIntervalInMilliseconds: 100,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toContain(`/instances/${id}?`);
    expect(await response.json()).toMatchObject({ id });
    await client.terminate(id, 'cleanup');
  });
});
