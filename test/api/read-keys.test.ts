// TASKHUB_READ_KEYS: read-only keys pass every GET and HEAD and nothing else; /whoami tells the role.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, createTestApp, startInstance, type TestApp } from './helpers.js';

const READ_KEY = 'read-key-fedcba9876543210';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { TASKHUB_READ_KEYS: ` other-reader , ${READ_KEY}` } });
});
afterAll(async () => {
  await t.close();
});

const asReader = { noKey: true, headers: { 'x-functions-key': READ_KEY } };

describe('read-only keys', () => {
  it('read every GET (header or code) and HEAD', async () => {
    const id = await startInstance(t, 'Hello', 'reader-1');
    expect((await t.call('GET', `${BASE}/instances/${id}`, asReader)).statusCode).toBe(202);
    expect((await t.call('GET', `${BASE}/instances?code=${READ_KEY}`, { noKey: true })).statusCode).toBe(200);
    expect((await t.call('HEAD', `${BASE}/instances`, asReader)).statusCode).toBe(200);
    expect((await t.call('GET', `${BASE}/instances/counts`, asReader)).statusCode).toBe(200);
  });

  it('get 403 JSON for every change, and the change does not happen', async () => {
    const id = await startInstance(t, 'Hello', 'reader-2');
    for (const [method, path] of [
      ['POST', `${BASE}/orchestrators/Hello`],
      ['POST', `${BASE}/instances/${id}/terminate`],
      ['POST', `${BASE}/instances/${id}/raiseEvent/go`],
      ['DELETE', `${BASE}/instances/${id}`],
      ['POST', `${BASE}/instances/batch`],
    ]) {
      const res = await t.call(method, path, {
        ...asReader,
        body: '{}',
        headers: { ...asReader.headers, 'content-type': 'application/json' },
      });
      expect(res.statusCode, `${method} ${path}`).toBe(403);
      expect(res.json()).toMatchObject({ error: 'Forbidden', message: expect.stringContaining('read-only') });
      expect(res.body).not.toContain(READ_KEY);
    }
    expect((await t.call('GET', `${BASE}/instances/${id}`)).json()).toMatchObject({ runtimeStatus: 'Pending' });
    expect(t.logs()).not.toContain(READ_KEY);
  });

  it('whoami tells read from admin; an unknown key is still 401', async () => {
    expect((await t.call('GET', `${BASE}/whoami`, asReader)).json()).toEqual({ role: 'read' });
    expect((await t.call('GET', `${BASE}/whoami`)).json()).toEqual({ role: 'admin' });
    expect((await t.call('GET', `${BASE}/whoami`, { noKey: true, headers: { 'x-functions-key': 'nope' } })).statusCode).toBe(401);
    expect(
      (await t.call('POST', `${BASE}/instances/x/terminate`, { noKey: true, headers: { 'x-functions-key': 'nope' } })).statusCode,
    ).toBe(401);
  });

  it('system keys keep every right', async () => {
    const id = await startInstance(t, 'Hello', 'reader-3');
    expect((await t.call('POST', `${BASE}/instances/${id}/terminate`, { headers: { 'x-functions-key': KEY } })).statusCode).toBe(202);
  });
});

describe('a key in both lists', () => {
  let both: TestApp;
  beforeAll(async () => {
    both = await createTestApp({ keys: [KEY, 'shared-key-0123456789'], env: { TASKHUB_READ_KEYS: 'shared-key-0123456789' } });
  });
  afterAll(async () => both.close());

  it('is a system key, and start-up warns so without naming it', async () => {
    const asShared = { noKey: true, headers: { 'x-functions-key': 'shared-key-0123456789' } };
    expect((await both.call('GET', `${BASE}/whoami`, asShared)).json()).toEqual({ role: 'admin' });
    const logs = both.logs();
    expect(logs).toMatch(/"level":40.*1 key\(s\) are in both TASKHUB_KEYS and TASKHUB_READ_KEYS/);
    expect(logs).not.toContain('shared-key-0123456789');
  });
});
