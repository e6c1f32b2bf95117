// Oddly spelled keys, crafted continuation tokens and non-finite numbers: never a key in a log
// line or body, never a 500, never a value that overflows a timer.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, KEY, startInstance, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const token = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

describe('key redaction', () => {
  it('redacts every query value whose decoded name is code, whether or not it authenticates', async () => {
    const spellings = ['%63ode', '+code', 'Code%20', '%20CODE', 'co%64e', 'c%6Fde+', '%09code'];
    for (const name of spellings) {
      const secret = `secret-${Buffer.from(name).toString('hex')}`;
      await t.call('GET', `${BASE}/instances?top=1&${name}=${secret}`, { noKey: true });
      await t.call('GET', `${BASE}/instances?${name}=${KEY}`, { noKey: true });
      await t.call('GET', `${BASE}/nowhere?${name}=${secret}`, { noKey: true });
      await t.call('GET', `${BASE}/instances;x=1?${name}=${secret}`, { noKey: true });
      expect(t.logs(), name).not.toContain(secret);
    }
    expect(t.logs()).not.toContain(KEY);
  });

  it('authenticates with the name spellings the query parser reads as code, and logs none of them', async () => {
    for (const name of ['%63ode', 'co%64e', 'CODE']) {
      const res = await t.call('GET', `${BASE}/instances?${name}=${KEY}`, { noKey: true });
      expect(res.statusCode, name).toBe(200);
    }
    expect(t.logs()).not.toContain(KEY);
  });

  it('echoes no request text in a 404, whatever follows the path', async () => {
    for (const url of [`/nowhere#code=${KEY}`, `/nowhere;code=${KEY}`, `${BASE}/x/${KEY}`, `/nowhere/%63ode=${KEY}`]) {
      const res = await t.call('GET', url, { noKey: true });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'RouteNotFound' });
      expect(res.body, url).not.toContain(KEY);
    }
    expect(t.logs()).not.toContain(`code=${KEY}`);
  });
});

describe('continuation tokens', () => {
  it('answers 400 for malformed tokens, non-string fields and lone surrogates', async () => {
    await startInstance(t, 'Hello');
    await startInstance(t, 'Hello');
    const first = await t.call('GET', `${BASE}/instances?top=1`);
    const issued = String(first.headers['x-ms-continuation-token']);
    expect(issued).not.toBe('');
    expect((await t.call('GET', `${BASE}/instances?top=1`, { headers: { 'x-ms-continuation-token': issued } })).statusCode).toBe(200);
    const bad = [
      'not base64 !!',
      token('text'),
      token(null),
      token([]),
      token({ nextPartitionKey: 5 }),
      token({ nextPartitionKey: 'a', nextRowKey: 5 }),
      token({ nextPartitionKey: 'a', nextRowKey: { x: 1 } }),
      token({ nextPartitionKey: '\ud800' }),
      token({ nextPartitionKey: 'a', nextRowKey: '\udfff' }),
      Buffer.from('{"nextPartitionKey":"\\ud800"}').toString('base64'),
      token({ nextPartitionKey: 'a', extra: true }),
    ];
    for (const value of bad) {
      const res = await t.call('GET', `${BASE}/instances`, { headers: { 'x-ms-continuation-token': value } });
      expect(res.statusCode, value).toBe(400);
      expect(res.json()).toMatchObject({ error: 'BadRequest' });
    }
  });
});

describe('numbers', () => {
  it('answers 400 for non-finite timeouts and page sizes', async () => {
    const id = await startInstance(t, 'Hello');
    for (const url of [
      `${BASE}/orchestrators/Hello?timeout=1e309`,
      `${BASE}/orchestrators/Hello?timeout=Infinity`,
      `${BASE}/orchestrators/Hello?timeout=5&pollingInterval=-Infinity`,
      `${BASE}/orchestrators/Hello?timeout=NaN`,
      `${BASE}/instances/${id}/restart?timeout=1e309`,
    ]) {
      const res = await t.call('POST', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toBe('InvalidQueryParameter');
    }
    for (const url of [
      `${BASE}/instances?top=1e309`,
      `${BASE}/instances?top=Infinity`,
      `${BASE}/instances/${id}/wait?timeout=1e309`,
      `${BASE}/instances/${id}/wait?timeout=1&retryInterval=Infinity`,
    ]) {
      const res = await t.call('GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error, url).toBe('InvalidQueryParameter');
    }
  });

  it('answers 400 for numbers not written in decimal, and starts nothing', async () => {
    for (const [method, url] of [
      ['POST', `${BASE}/orchestrators/Hello/hex1?timeout=0x10`],
      ['POST', `${BASE}/orchestrators/Hello/hex2?timeout=5&pollingInterval=0b1`],
      ['GET', `${BASE}/instances?top=0o7`],
    ]) {
      const res = await t.call(method, url);
      expect([url, res.statusCode, res.json().error]).toEqual([url, 400, 'InvalidQueryParameter']);
    }
    for (const id of ['hex1', 'hex2']) expect((await t.call('GET', `${BASE}/instances/${id}`)).statusCode).toBe(404);
    // Decimal spellings the extension's parser reads are still numbers (no worker: 202 after the wait).
    const id = await startInstance(t, 'Hello');
    for (const value of ['1e-1', '.1', '+0.1', ' 0.1 ']) {
      const res = await t.call('GET', `${BASE}/instances/${id}/wait?timeout=${encodeURIComponent(value)}&retryInterval=0`);
      expect([value, res.statusCode]).toEqual([value, 202]);
    }
  });
});
