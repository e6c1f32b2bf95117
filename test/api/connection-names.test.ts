// Connection names resolve as the extension resolves them, and the URLs it hands out name the
// default connection `Storage`: a URL printed by a real Durable Functions app works as is.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../helpers/hub.js';
import { BASE, KEY, createTestApp, startInstance, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  // `Orders` is configured only under its prefixed setting name, as a Functions app would have it.
  // `Stale` holds an account key that storage refuses, as a rotated key would be.
  const staleKey = Buffer.from('not the account key').toString('base64');
  t = await createTestApp({
    env: {
      TASKHUB_CONNECTIONS: 'AzureWebJobsOrders=ORDERS_CONN,Stale=STALE_CONN',
      ORDERS_CONN: azuriteConnectionString(),
      STALE_CONN: azuriteConnectionString().replace(/AccountKey=[^;]+/, `AccountKey=${staleKey}`),
    },
  });
});
afterAll(async () => {
  await t.close();
});

describe('connection names', () => {
  it('answers a URL printed by a real app (connection=Storage, key as code) as is', async () => {
    const id = await startInstance(t, 'Hello', 'printed-by-app');
    const url = `${BASE}/instances/${id}?taskHub=${t.hub}&connection=Storage&code=${KEY}`;
    const res = await t.call('GET', url, { noKey: true });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ instanceId: id, runtimeStatus: 'Pending' });
  });

  it('names the default connection Storage in every generated URL, keys in the extension order', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello`);
    expect(res.statusCode).toBe(202);
    const body = res.json() as Record<string, string>;
    expect(Object.keys(body)).toEqual([
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
      'rewindPostUri',
    ]);
    for (const [name, url] of Object.entries(body)) {
      if (name !== 'id') expect(url, name).toContain(`taskHub=${t.hub}&connection=Storage&code=${KEY}`);
    }
    // Every generated URL works as handed out.
    const status = await t.call('GET', body.statusQueryGetUri.replace(/^https?:\/\/[^/]+/, ''), { noKey: true });
    expect(status.statusCode).toBe(202);
  });

  it("accepts the setting name itself and any letter case, echoing the caller's spelling", async () => {
    for (const connection of ['AzureWebJobsStorage', 'storage']) {
      const res = await t.call('POST', `${BASE}/orchestrators/Hello?connection=${connection}`);
      expect(res.statusCode, connection).toBe(202);
      expect(res.json().statusQueryGetUri).toContain(`&connection=${connection}&`);
    }
  });

  it('resolves a configured name through its AzureWebJobs-prefixed setting', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello/on-orders?connection=Orders&taskHub=${t.hub}`);
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toContain('&connection=Orders&');
    expect((await t.call('GET', `${BASE}/instances/on-orders?connection=AzureWebJobsOrders`)).statusCode).toBe(202);
  });

  it('answers a connection whose key storage refuses as a server failure, without storage text', async () => {
    const res = await t.call('GET', `${BASE}/instances?connection=Stale`);
    // Not the caller's fault (a 400 BadRequest quoting the service's AuthorizationFailure was).
    expect([res.statusCode, res.json().error]).toEqual([500, 'InternalError']);
    expect(res.body).not.toMatch(/authenticat|authoriz|RequestId/i);
  });

  it('still answers 400 UnknownConnection for names that resolve to nothing configured', async () => {
    for (const connection of ['Other', 'AzureWebJobsOther', 'PATH']) {
      const res = await t.call('GET', `${BASE}/instances?connection=${connection}`);
      expect(res.statusCode, connection).toBe(400);
      expect(res.json().error).toBe('UnknownConnection');
    }
  });
});
