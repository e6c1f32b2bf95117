// The real `durable-functions@3.5.0` DurableClient drives taskhub unchanged, in template mode
// (documented webhook URLs with ?code=) and in rpc mode (the loopback-style relative paths).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeStatus } from '../../src/domain/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { clientBindingData, durableClientClass } from './client-binding.js';

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
}
interface Client {
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  getStatus(id: string, options?: { showHistory?: boolean; showInput?: boolean }): Promise<Status>;
  getStatusAll(): Promise<Status[]>;
  getStatusBy(filter: { createdTimeFrom?: Date; createdTimeTo?: Date; runtimeStatus?: string[] }): Promise<Status[]>;
  raiseEvent(id: string, event: string, data: unknown): Promise<void>;
  terminate(id: string, reason: string): Promise<void>;
  suspend(id: string, reason: string): Promise<void>;
  resume(id: string, reason: string): Promise<void>;
  rewind(id: string, reason: string): Promise<void>;
  purgeInstanceHistory(id: string): Promise<{ instancesDeleted: number }>;
  purgeInstanceHistoryBy(filter: {
    createdTimeFrom: Date;
    createdTimeTo?: Date;
    runtimeStatus?: string[];
  }): Promise<{ instancesDeleted: number }>;
  axiosInstance: {
    interceptors: {
      request: { use(f: (c: { headers: Record<string, string> }) => unknown): void };
      response: { use(f: (r: { headers: Record<string, string> }) => unknown): void };
    };
  };
}

const DurableClient = durableClientClass<Client>();

const KEY = 'compat-system-key-0123456789';
let t: TestApp;
let base: string;

function makeClient(rpc: boolean): Client {
  const client = new DurableClient(clientBindingData(t.url, t.hub, KEY, { rpc }));
  // rpc mode carries no key (as on the real loopback listener); send it as a header.
  if (rpc) {
    client.axiosInstance.interceptors.request.use((config) => {
      config.headers['x-functions-key'] = KEY;
      return config;
    });
  }
  return client;
}

async function setStatus(instanceId: string, runtimeStatus: RuntimeStatus): Promise<void> {
  const state = (await t.store.getInstance(instanceId))!;
  await t.store.instances.update({ ...state, runtimeStatus, lastUpdatedTime: new Date() });
}

beforeAll(async () => {
  t = await startTestApp({ hubPrefix: 'compat', keys: [KEY], listen: true });
  base = `${t.url}/runtime/webhooks/durabletask`;
});

afterAll(async () => {
  await t?.close();
});

describe.each([
  { mode: 'template', rpc: false },
  { mode: 'rpc', rpc: true },
])('durable-functions 3.5.0 DurableClient in $mode mode', ({ mode, rpc }) => {
  const client = () => makeClient(rpc);
  const id = (name: string) => `${mode} ${name}`;

  it('startNew and getStatus, with and without input', async () => {
    const generated = await client().startNew('E1_HelloSequence');
    expect(generated).toMatch(/^[0-9a-f]{32}$/);
    const status = await client().getStatus(generated);
    expect(status).toMatchObject({ name: 'E1_HelloSequence', instanceId: generated, runtimeStatus: 'Pending', input: '' });

    const chosen = await client().startNew('E1_HelloSequence', { instanceId: id('with input'), input: { city: 'Tokyo' } });
    expect(chosen).toBe(id('with input'));
    expect(await client().getStatus(chosen)).toMatchObject({ instanceId: chosen, input: { city: 'Tokyo' }, output: null });
    await expect(client().getStatus(id('missing'))).rejects.toThrow();
  });

  it('raiseEvent, terminate and suspend are accepted; gone instances are 410 (resolved by the client)', async () => {
    const instanceId = await client().startNew('HumanApproval', { instanceId: id('control') });
    await client().raiseEvent(instanceId, 'Approval', { ok: true });
    await client().suspend(instanceId, 'pause for review');
    await setStatus(instanceId, 'Suspended');
    await client().resume(instanceId, 'review done');
    await client().terminate(instanceId, 'no longer needed');
    await setStatus(instanceId, 'Terminated');
    await client().raiseEvent(instanceId, 'Approval', true);
    await client().terminate(instanceId, 'again');
    await expect(client().raiseEvent(id('nobody'), 'Approval', 1)).rejects.toThrow();
  });

  it('rewind of an instance that is not Failed takes the 412 path', async () => {
    const instanceId = await client().startNew('FlakySequence', { instanceId: id('rewind') });
    await expect(client().rewind(instanceId, 'try again')).rejects.toThrow();
    const response = await fetch(`${base}/instances/${encodeURIComponent(instanceId)}/rewind?reason=x&code=${KEY}`, { method: 'POST' });
    expect(response.status).toBe(412);
    expect(await response.json()).toMatchObject({ error: 'InstanceNotFailed' });
  });

  it('getStatusBy filters by created time and runtime status', async () => {
    const from = new Date(Date.now() - 1000);
    const a = await client().startNew('Counter', { instanceId: id('by-a') });
    const b = await client().startNew('Counter', { instanceId: id('by-b') });
    await setStatus(b, 'Completed');
    const pending = await client().getStatusBy({ createdTimeFrom: from, runtimeStatus: ['Pending'] });
    const ids = pending.map((s) => s.instanceId);
    expect(ids).toContain(a);
    expect(ids).not.toContain(b);
    expect(await client().getStatusBy({ createdTimeFrom: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('purges one instance and by filter', async () => {
    const from = new Date(Date.now() - 1000);
    const one = await client().startNew('Counter', { instanceId: id('purge-one') });
    expect(await client().purgeInstanceHistory(one)).toMatchObject({ instancesDeleted: 1 });
    expect(await client().purgeInstanceHistory(one)).toMatchObject({ instancesDeleted: 0 });
    const done = await client().startNew('Counter', { instanceId: id('purge-by') });
    await setStatus(done, 'Terminated');
    const result = await client().purgeInstanceHistoryBy({ createdTimeFrom: from, runtimeStatus: ['Terminated'] });
    expect(result.instancesDeleted).toBeGreaterThanOrEqual(1);
    await expect(client().getStatus(done)).rejects.toThrow();
  });
});

describe('getStatusAll across pages', () => {
  it('follows x-ms-continuation-token until it is empty', async () => {
    const client = makeClient(false);
    const tokens: string[] = [];
    client.axiosInstance.interceptors.response.use((response) => {
      if ('x-ms-continuation-token' in response.headers) tokens.push(response.headers['x-ms-continuation-token']);
      return response;
    });
    const before = (await client.getStatusAll()).length;
    tokens.length = 0;
    const started = 110 - Math.min(before, 100);
    for (let i = 0; i < started; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, started - i) }, (_, j) => client.startNew('Counter', { instanceId: `page-${i + j}` })),
      );
    }
    const all = await client.getStatusAll();
    expect(all.length).toBe(before + started);
    expect(new Set(all.map((s) => s.instanceId)).size).toBe(all.length);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    expect(tokens.at(-1)).toBe('');
    expect(tokens.slice(0, -1).every((t) => t.length > 0)).toBe(true);
  });
});
