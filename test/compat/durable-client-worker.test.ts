// The real durable-functions 3.5.0 DurableClient against taskhub with its worker running:
// instances progress, and the client's own helpers see the results.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
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
let t: TestApp;
let client: Client;

beforeAll(async () => {
  t = await startTestApp({ hubPrefix: 'compatw', keys: [KEY], env: { TASKHUB_PARTITION_COUNT: '2' }, worker: true, listen: true });
  client = new DurableClient(clientBindingData(t.url, t.hub, KEY));
});

afterAll(async () => {
  await t?.close();
});

const request = () => new HttpRequest({ method: 'POST', url: `${t.url}/api/orchestrators/E1_HelloSequence` });

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
