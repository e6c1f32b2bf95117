// The real durable-functions 3.5.0 DurableClient's entity API against taskhub with its worker
// running the sample Account entity, in template mode (webhook URLs with ?code=) and rpc mode.
import { createRequire } from 'node:module';
import type * as DurableFunctions from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { clientBindingData, durableClientClass } from './client-binding.js';

interface EntityStateResponse {
  entityExists: boolean;
  entityState?: unknown;
}
interface Client {
  signalEntity(entityId: unknown, operationName?: string, operationContent?: unknown): Promise<void>;
  readEntityState(entityId: unknown): Promise<EntityStateResponse>;
  axiosInstance: { interceptors: { request: { use(fn: (config: { headers: Record<string, string> }) => unknown): void } } };
}

const { EntityId } = createRequire(import.meta.url)('durable-functions') as typeof DurableFunctions;
const DurableClient = durableClientClass<Client>();
const KEY = 'compat-entity-key-0123456789';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ hubPrefix: 'compate', keys: [KEY], env: { TASKHUB_PARTITION_COUNT: '2' }, worker: true, listen: true });
});

afterAll(async () => {
  await t?.close();
});

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

async function until(client: Client, id: unknown, done: (r: EntityStateResponse) => boolean): Promise<EntityStateResponse> {
  const deadline = Date.now() + 100_000;
  for (;;) {
    const read = await client.readEntityState(id);
    if (done(read) || Date.now() > deadline) return read;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each([
  { mode: 'template', rpc: false },
  { mode: 'rpc', rpc: true },
])('durable-functions 3.5.0 entity client in $mode mode', ({ mode, rpc }) => {
  it('signalEntity reaches the worker and readEntityState reads the result', { timeout: 150_000 }, async () => {
    const client = makeClient(rpc);
    const account = new EntityId('Account', `${mode}-alice`);
    expect(await client.readEntityState(account)).toMatchObject({ entityExists: false });
    await client.signalEntity(account, 'deposit', 30);
    await client.signalEntity(account, 'withdraw', 5);
    const read = await until(client, account, (r) => r.entityExists && r.entityState === 25);
    expect(read).toMatchObject({ entityExists: true, entityState: 25 });
  });

  it('signalEntity delete removes the entity for readEntityState', { timeout: 150_000 }, async () => {
    const client = makeClient(rpc);
    const account = new EntityId('Account', `${mode}-bob`);
    await client.signalEntity(account, 'deposit', 1);
    await until(client, account, (r) => r.entityExists);
    await client.signalEntity(account, 'delete');
    expect(await until(client, account, (r) => !r.entityExists)).toMatchObject({ entityExists: false });
  });
});
