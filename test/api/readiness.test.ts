// GET /health/ready: 503 JSON when the default hub is missing or storage does not answer, while
// GET /health (liveness) keeps answering.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { BASE, createTestApp } from './helpers.js';

describe('GET /health/ready', () => {
  it('is 503 taskHub missing once the default hub is deleted; /health stays 200', async () => {
    const t = await createTestApp();
    try {
      expect((await t.call('GET', '/health/ready', { noKey: true })).statusCode).toBe(200);
      expect((await t.call('DELETE', `${BASE}/taskhub?taskHub=${t.hub}`)).statusCode).toBe(200);
      const ready = await t.call('GET', '/health/ready', { noKey: true });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['retry-after']).toBe('5');
      expect(ready.json()).toEqual({ status: 'not-ready', storage: 'ok', taskHub: 'missing' });
      expect((await t.call('GET', '/health', { noKey: true })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('is 503 storage unreachable when the account does not answer', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'taskhub-ready-'));
    const dead = azuriteConnectionString().replace(/:(\d+)\//g, ':1/');
    const server = await startServer(
      loadConfig({
        AzureWebJobsStorage: dead,
        TASKHUB_HUB_NAME: freshHubName('rdy'),
        TASKHUB_DATA_DIR: dataDir,
        TASKHUB_KEYS: 'k',
        TASKHUB_WORKER: 'false',
        PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );
    try {
      const ready = await fetch(`${server.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not-ready', storage: 'unreachable', taskHub: 'unknown' });
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
