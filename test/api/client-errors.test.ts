// Requests Node's HTTP parser rejects before routing still get the JSON error shape.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, KEY, createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({ keys: [KEY] });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await t.close();
});

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { 'x-functions-key': KEY } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('client errors', () => {
  it('answers 431 JSON when the URL and headers exceed what the server accepts', async () => {
    const res = await get(`${BASE}/instances/x/terminate?reason=${'r'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'RequestHeadersTooLarge' });
  });

  it('still serves normal requests', async () => {
    const res = await get(`${BASE}/instances?top=1`);
    expect(res.status).toBe(200);
  });
});
