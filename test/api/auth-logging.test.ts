// System-key authentication and secret-free logs.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines, startTestApp } from '../helpers/app.js';
import { BASE, KEY, createTestApp, startInstance, type TestApp } from './helpers.js';

describe('system key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ keys: [KEY, 'second-key'] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 JSON without a key or with a wrong one', async () => {
    for (const [url, headers] of [
      [`${BASE}/instances`, {}],
      [`${BASE}/instances?code=wrong`, {}],
      [`${BASE}/instances`, { 'x-functions-key': 'wrong' }],
      [`${BASE}/instances?code=${KEY}x`, {}],
      [`${BASE}/instances?code=`, {}],
    ] as const) {
      const res = await t.call('GET', url, { noKey: true, headers });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toEqual({ error: 'Unauthorized', message: expect.any(String) });
    }
  });

  it('accepts the key as header or as code (any letter case of the name), and the header wins', async () => {
    expect((await t.call('GET', `${BASE}/instances?code=${KEY}`, { noKey: true })).statusCode).toBe(200);
    expect((await t.call('GET', `${BASE}/instances?CODE=${KEY}`, { noKey: true })).statusCode).toBe(200);
    expect((await t.call('GET', `${BASE}/instances`, { headers: { 'x-functions-key': KEY } })).statusCode).toBe(200);
    expect((await t.call('GET', `${BASE}/instances?code=wrong`, { headers: { 'x-functions-key': KEY } })).statusCode).toBe(200);
    expect(
      (await t.call('GET', `${BASE}/instances?code=${KEY}`, { noKey: true, headers: { 'x-functions-key': 'wrong' } })).statusCode,
    ).toBe(401);
  });

  it('accepts every configured key and puts the caller key into the management URLs', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello`, { noKey: true, headers: { 'x-functions-key': 'second-key' } });
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toMatch(/&code=second-key$/);
  });

  it('requires the key on the root sample routes, not on /health, /openapi.json, /docs or unknown routes (404)', async () => {
    expect((await t.call('POST', '/orchestrators/Hello', { noKey: true })).statusCode).toBe(401);
    expect((await t.call('GET', `${BASE}/instances/x/nowhere`, { noKey: true })).statusCode).toBe(404);
    expect((await t.call('GET', '/nowhere', { noKey: true })).json()).toMatchObject({ error: 'RouteNotFound' });
    expect((await t.call('GET', '/health', { noKey: true })).statusCode).toBe(200);
    expect((await t.call('GET', '/openapi.json', { noKey: true })).statusCode).toBe(200);
    const docs = await t.call('GET', '/docs/', { noKey: true });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('never logs the key, neither from code= nor from the header', async () => {
    await t.call('GET', `${BASE}/instances?code=${KEY}&top=5`, { noKey: true });
    await t.call('GET', `${BASE}/instances?Code=${KEY}`, { noKey: true });
    await t.call('GET', `${BASE}/instances?code=not-the-key-but-secret`, { noKey: true });
    await startInstance(t, 'Hello');
    const logs = t.logs();
    expect(logs).toContain('code=[REDACTED]');
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain('not-the-key-but-secret');
  });
});

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
}

describe('access log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ keys: [KEY] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes one info line per request when it is answered, with method, redacted URL, status, time and request id', async () => {
    const res = await t.call('GET', `${BASE}/instances?top=1&code=${KEY}`, { noKey: true, headers: { 'x-request-id': 'trace-42' } });
    expect(res.statusCode).toBe(200);
    const lines = logLines<LogLine>(t).filter((line) => line.reqId === 'trace-42');
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      level: 30,
      req: { method: 'GET', url: expect.stringContaining('/instances?top=1&code=[REDACTED]') },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    // The arrival line is debug only: at the default info level a request costs one line.
    const arrived = lines.filter((line) => line.msg === 'incoming request');
    expect(arrived.map((line) => line.level)).toEqual([20]);
    expect(lines.filter((line) => line.level >= 30 && line.msg !== 'request completed')).toEqual([]);
  });
});

describe('access log of a request the client gave up on', () => {
  it('writes a line when the connection closes before the answer (a long poll given up)', async () => {
    const live = await startTestApp({ hubPrefix: 'api', captureLogs: true, listen: true, keys: [KEY] });
    try {
      // No worker runs here, so the instance stays Pending and the wait holds the request.
      const id = await startInstance(live, 'Hello');
      const gaveUp = new AbortController();
      const waiting = fetch(`${live.url}${BASE}/instances/${id}/wait?timeout=30`, {
        headers: { 'x-functions-key': KEY, 'x-request-id': 'gave-up-1' },
        signal: gaveUp.signal,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      gaveUp.abort();
      await waiting;
      const deadline = Date.now() + 5000;
      let lines: LogLine[] = [];
      while (lines.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        lines = logLines<LogLine>(live).filter((line) => line.reqId === 'gave-up-1' && line.level >= 30);
      }
      expect(lines).toMatchObject([{ level: 30, msg: expect.stringContaining('request abandoned'), req: { method: 'GET' } }]);
    } finally {
      await live.close();
    }
  });
});

describe('no-auth mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TASKHUB_NO_AUTH: 'true' }, keys: [] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves without a key, leaves code out of the URLs and warns loudly', async () => {
    const res = await t.call('POST', `${BASE}/orchestrators/Hello`, { noKey: true });
    expect(res.statusCode).toBe(202);
    expect(res.json().statusQueryGetUri).toMatch(/\?taskHub=[^&]+&connection=Storage$/);
    expect(t.logs()).toMatch(/"level":40.*AUTHENTICATION IS DISABLED/);
  });
});
