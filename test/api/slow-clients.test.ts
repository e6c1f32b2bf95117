// Slow and hostile clients on real sockets: trickled headers or bodies are cut with a JSON 408,
// an unauthenticated body is never read, and connections beyond the cap are refused.

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, createTestApp, KEY, type TestApp } from './helpers.js';
import { logLines } from '../helpers/app.js';

const TIMEOUT_MS = 600;
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({ env: { TASKHUB_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), TASKHUB_MAX_CONNECTIONS: '4' } });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => t.close());

interface Exchange {
  socket: Socket;
  /** Everything the server sent and when it closed, in ms after the socket opened. */
  closed: Promise<{ text: string; afterMs: number }>;
}

function open(): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    const closed = new Promise<{ text: string; afterMs: number }>((done) =>
      socket.once('close', () => done({ text, afterMs: Date.now() - started })),
    );
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Sends one byte every `everyMs` until the socket closes; returns how many bytes went out. */
function trickle(socket: Socket, everyMs: number): { sent: () => number } {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write('x');
    sent++;
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  return { sent: () => sent };
}

function bodyOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
}

describe('request timeouts', () => {
  it('answers 408 JSON and closes when the headers trickle in too slowly', async () => {
    const { socket, closed } = await open();
    socket.write(`GET ${BASE}/instances HTTP/1.1\r\nHost: x\r\nx-slow: `);
    trickle(socket, 100);
    const { text, afterMs } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/content-type: application\/json/i);
    expect(bodyOf(text)).toMatchObject({ error: 'RequestTimeout' });
    expect(afterMs).toBeLessThan(TIMEOUT_MS + 3000);
  });

  it('answers 408 JSON and closes when an authenticated body trickles in too slowly', async () => {
    const { socket, closed } = await open();
    socket.write(
      `POST ${BASE}/orchestrators/Hello HTTP/1.1\r\nHost: x\r\nx-functions-key: ${KEY}\r\n` +
        'content-type: application/json\r\ncontent-length: 1000\r\n\r\n"',
    );
    trickle(socket, 100);
    const { text, afterMs } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(text)).toMatchObject({ error: 'RequestTimeout' });
    expect(afterMs).toBeLessThan(TIMEOUT_MS + 3000);
  });

  it('does not read the body of an unauthenticated request: 401 and the connection closes at once', async () => {
    const { socket, closed } = await open();
    socket.write(
      `POST ${BASE}/orchestrators/Hello HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n"`,
    );
    const drip = trickle(socket, 50);
    const { text, afterMs } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text).toMatch(/connection: close/i);
    expect(bodyOf(text)).toMatchObject({ error: 'Unauthorized' });
    // Closed well before the request timeout would have cut a body being read.
    expect(afterMs).toBeLessThan(TIMEOUT_MS);
    expect(drip.sent()).toBeLessThan(TIMEOUT_MS / 50);
  });

  it('logs a client that hangs up mid-body at info, not as a storage failure', async () => {
    const { socket, closed } = await open();
    socket.write(
      `POST ${BASE}/orchestrators/Hello HTTP/1.1\r\nHost: x\r\nx-functions-key: ${KEY}\r\n` +
        'content-type: application/json\r\ncontent-length: 1000\r\n\r\n"abc',
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await closed;
    await new Promise((r) => setTimeout(r, 300));
    const lines = logLines<{ level: number; msg: string }>(t);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.some((line) => line.level === 30 && line.msg.includes('client closed the connection'))).toBe(true);
    expect(t.logs()).not.toMatch(/StorageUnavailable|unreachable/);
  });

  it('keeps serving a normal request on the same server', async () => {
    const res = await fetch(`http://127.0.0.1:${port}${BASE}/instances`, { headers: { 'x-functions-key': KEY } });
    expect(res.status).toBe(200);
  });
});

describe('connection cap', () => {
  it('closes connections beyond the configured number without an answer', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    try {
      // Make sure the server has accepted the held ones before the extra one arrives.
      await new Promise((r) => setTimeout(r, 100));
      const extra = await open();
      const { text, afterMs } = await extra.closed;
      expect(text).toBe('');
      expect(afterMs).toBeLessThan(1000);
    } finally {
      for (const { socket } of held) socket.destroy();
    }
  });
});
