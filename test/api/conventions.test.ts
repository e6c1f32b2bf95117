// URL handling, hub selection, error shapes, body limits, storage outages, health and origins.

import { createServer } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { azuriteAccountKey, azuriteConnectionString, azuriteConnectionStringVia } from '../helpers/hub.js';
import { testStores } from '../helpers/stores.js';
import { BASE, KEY, LEGACY, createTestApp, startInstance, type TestApp } from './helpers.js';
import { tableExists } from './storage-peek.js';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let t: TestApp;
let dead: string;
beforeAll(async () => {
  const port = await closedPort();
  dead = azuriteConnectionStringVia({ blob: port, queue: port, table: port });
  t = await createTestApp({
    env: {
      TASKHUB_CONNECTIONS: 'Secondary=SECOND_CONN,Dead=DEAD_CONN',
      SECOND_CONN: azuriteConnectionString(),
      DEAD_CONN: dead,
      TASKHUB_BODY_LIMIT: '2048',
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe('paths and query names', () => {
  it('matches paths case-insensitively and ignores a trailing slash', async () => {
    const id = await startInstance(t, 'Hello', 'CaseId');
    const res = await t.call('GET', `/RUNTIME/Webhooks/DurableTask/Instances/${id}/`);
    expect(res.statusCode).toBe(202);
    expect(res.json().instanceId).toBe('CaseId');
    expect((await t.call('POST', `${BASE}/ORCHESTRATORS/Hello/case-start/`)).statusCode).toBe(202);
  });

  it('matches query names case-insensitively', async () => {
    await startInstance(t, 'Hello', 'query-case', '{"q":1}');
    const res = await t.call('GET', `${BASE}/instances/query-case?SHOWINPUT=False&TaskHub=${t.hub}`);
    expect(res.statusCode).toBe(202);
    expect(res.json().input).toBeNull();
    const list = await t.call('GET', `${BASE}/instances?INSTANCEIDPREFIX=query-&RuntimeStatus=PENDING&Top=5`);
    expect((list.json() as { instanceId: string }[]).map((s) => s.instanceId)).toEqual(['query-case']);
  });

  it('serves every management route under the 1.x prefix', async () => {
    const id = await startInstance(t, 'Hello', 'legacy-all');
    expect((await t.call('GET', `${LEGACY}/instances/${id}`)).statusCode).toBe(202);
    expect((await t.call('GET', `${LEGACY.toLowerCase()}/instances`)).statusCode).toBe(200);
    expect(
      (await t.call('POST', `${LEGACY}/instances/${id}/raiseEvent/E`, { body: '1', headers: { 'content-type': 'application/json' } }))
        .statusCode,
    ).toBe(202);
    expect((await t.call('POST', `${LEGACY}/instances/${id}/suspend`)).statusCode).toBe(202);
    expect((await t.call('POST', `${LEGACY}/instances/${id}/terminate`)).statusCode).toBe(202);
    expect((await t.call('POST', `${LEGACY}/instances/${id}/rewind`)).statusCode).toBe(412);
    expect((await t.call('POST', `${LEGACY}/instances/${id}/restart`)).statusCode).toBe(202);
    expect((await t.call('GET', `${LEGACY}/instances/${id}/wait?timeout=0`)).statusCode).toBe(202);
    expect((await t.call('DELETE', `${LEGACY}/instances?createdTimeFrom=2000-01-01&runtimeStatus=Completed`)).statusCode).toBe(404);
    expect((await t.call('DELETE', `${LEGACY}/instances/${id}`)).statusCode).toBe(200);
  });

  it('answers 404 RouteNotFound JSON for unknown routes and methods, without echoing the query', async () => {
    for (const [method, url] of [
      ['GET', `${BASE}/nothing`],
      ['GET', `${BASE}/orchestrators/Hello`],
      ['PUT', `${BASE}/instances/x`],
      ['POST', `${BASE}/instances/x/explode`],
      ['GET', `/runtime/webhooks/other/instances?code=${KEY}`],
    ] as const) {
      const res = await t.call(method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toMatchObject({ error: 'RouteNotFound' });
      expect(res.body).not.toContain(KEY);
    }
  });

  it('answers 400 for malformed percent-encoding', async () => {
    const res = await t.call('GET', `${BASE}/instances/%E0%A4%A`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('BadRequest');
  });
});

describe('bodies', () => {
  it('answers 413 PayloadTooLarge JSON for bodies over the configured limit', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/too-big`, {
      body: JSON.stringify('x'.repeat(4096)),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'PayloadTooLarge' });
  });
});

describe('task hub and connection selection', () => {
  it('answers 400 UnknownConnection for connection names that are not configured', async () => {
    const res = await t.call('GET', `${BASE}/instances?connection=PATH`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('UnknownConnection');
  });

  it('answers 400 InvalidTaskHubName for invalid hub names', async () => {
    for (const hub of ['ab', '1abc', 'has-dash', 'x'.repeat(46)]) {
      const res = await t.call('GET', `${BASE}/instances?taskHub=${hub}`);
      expect(res.statusCode, hub).toBe(400);
      expect(res.json().error).toBe('InvalidTaskHubName');
    }
  });

  it('answers 404 TaskHubNotFound for a hub that does not exist, and creates nothing', async () => {
    const hub = `NoSuchHub${Date.now()}`;
    const res = await t.call('POST', `${BASE}/orchestrators/Hello?taskHub=${hub}`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('TaskHubNotFound');
    expect(await tableExists(`${t.hub}Instances`)).toBe(true);
    expect(await tableExists(`${hub}Instances`)).toBe(false);
  });

  it('serves an existing hub on another configured connection, with the names in the URLs', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/on-secondary?connection=Secondary&taskHub=${t.hub}`);
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toContain(`taskHub=${t.hub}&connection=Secondary&code=`);
    expect((await t.call('GET', `${BASE}/instances/on-secondary`)).statusCode).toBe(202);
  });

  it('answers 503 with Retry-After when storage is unreachable, without secrets in body or logs', async () => {
    const res = await t.call('GET', `${BASE}/instances?connection=Dead`);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.json()).toMatchObject({ error: 'StorageUnavailable' });
    expect(res.body).not.toContain(azuriteAccountKey());
    expect(t.logs()).not.toContain(azuriteAccountKey());
    expect(t.logs()).not.toContain('AccountKey');
  });
});

describe('/health', () => {
  it('reports reachable storage', async () => {
    const res = await t.call('GET', '/health', { noKey: true });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', storage: 'ok' });
  });

  it('answers 503 when the default connection is unreachable', async () => {
    const { config, stores } = testStores({ AzureWebJobsStorage: dead, TASKHUB_KEYS: KEY });
    let logged = '';
    const app = await buildApp({
      config,
      stores,
      keys: config.keys,
      logger: pino({ level: 'debug' }, { write: (s: string) => void (logged += s) }),
    });
    try {
      const res = await app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', storage: 'unreachable' });
      expect(res.headers['retry-after']).toBeDefined();
      const api = await app.inject({ method: 'GET', url: `${BASE}/instances`, headers: { 'x-functions-key': KEY } });
      expect(api.statusCode).toBe(503);
      expect(logged).not.toContain(azuriteAccountKey());
    } finally {
      await app.close();
      await stores.close();
    }
  });
});

describe('origin of management URLs', () => {
  it('uses the configured public URL when set', async () => {
    const p = await createTestApp({ env: { TASKHUB_PUBLIC_URL: 'https://durable.example.com/' } });
    try {
      const res = await p.call('POST', `${BASE}/orchestrators/Hello/public-url`);
      expect(res.json().statusQueryGetUri).toMatch(
        /^https:\/\/durable\.example\.com\/runtime\/webhooks\/durabletask\/instances\/public-url\?/,
      );
      const status = await p.call('GET', `${BASE}/instances/public-url`);
      expect(status.headers.location).toBe(`https://durable.example.com${BASE}/instances/public-url`);
    } finally {
      await p.close();
    }
  });

  it('honours X-Forwarded-Proto/Host only when the proxy is trusted', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.example.com', host: 'internal:7071' };
    const untrusted = await t.call('POST', `${BASE}/orchestrators/Hello/fwd-untrusted`, { headers: forwarded });
    expect(untrusted.json().statusQueryGetUri).toMatch(/^http:\/\/internal:7071\//);
    const p = await createTestApp({ env: { TASKHUB_TRUST_PROXY: 'true' } });
    try {
      const trusted = await p.call('POST', `${BASE}/orchestrators/Hello/fwd-trusted`, { headers: forwarded });
      expect(trusted.json().statusQueryGetUri).toMatch(/^https:\/\/gw\.example\.com\//);
    } finally {
      await p.close();
    }
  });
});
