// The process entry: generated key, embedded Azurite, in-process worker wiring, config errors.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { SUITE_STORAGE_TRY_TIMEOUT_MS } from '../helpers/stores.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'taskhub-server-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  AzureWebJobsStorage: azuriteConnectionString(),
  TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS,
  TASKHUB_HUB_NAME: freshHubName('srv'),
  TASKHUB_DATA_DIR: dataDir,
  PORT: '0',
  TASKHUB_WORKER: 'false',
  LOG_LEVEL: 'silent',
  ...extra,
});

describe('startServer', () => {
  it('generates a system key once (mode 0600, printed once), ensures the default hub and serves HTTP', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const config = loadConfig(env());
    const first = await startServer(config);
    let key: string;
    try {
      key = (await readFile(join(dataDir, 'system-key'), 'utf8')).trim();
      expect(key.length).toBeGreaterThanOrEqual(32);
      expect((await stat(join(dataDir, 'system-key'))).mode & 0o777).toBe(0o600);
      const lines = printed.mock.calls.map((c) => String(c[0]));
      expect(lines.filter((l) => l.startsWith('taskhub: generated system key'))).toEqual([
        `taskhub: generated system key ${key} (stored in ${join(dataDir, 'system-key')})`,
      ]);
      expect((await fetch(`${first.url}/health`)).status).toBe(200);
      expect((await fetch(`${first.url}/runtime/webhooks/durabletask/instances`)).status).toBe(401);
      const list = await fetch(`${first.url}/runtime/webhooks/durabletask/instances`, { headers: { 'x-functions-key': key } });
      expect(list.status).toBe(200);
      expect(list.headers.get('x-ms-continuation-token')).toBe('');
    } finally {
      await first.close();
    }
    printed.mockClear();
    const second = await startServer(config);
    try {
      const res = await fetch(`${second.url}/runtime/webhooks/durabletask/instances?code=${key}`);
      expect(res.status).toBe(200);
      expect(printed.mock.calls.some((c) => String(c[0]).includes('generated system key'))).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('comes up with storage unreachable: 503 with Retry-After instead of exiting', async () => {
    const dead = azuriteConnectionString().replace(/:(\d+)\//g, ':1/');
    const server = await startServer(loadConfig(env({ AzureWebJobsStorage: dead, TASKHUB_KEYS: 'k1', TASKHUB_WORKER: 'true' })));
    try {
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toMatch(/^\d+$/);
      const list = await fetch(`${server.url}/runtime/webhooks/durabletask/instances?code=k1`);
      expect(list.status).toBe(503);
      expect(await list.json()).toMatchObject({ error: 'StorageUnavailable' });
    } finally {
      await server.close();
    }
  });

  it('starts embedded Azurite when no connection string is configured', async () => {
    const { AzureWebJobsStorage: _unused, ...rest } = env({ TASKHUB_KEYS: 'k1' });
    const server = await startServer(loadConfig(rest));
    try {
      const res = await fetch(`${server.url}/health`);
      expect(await res.json()).toEqual({ status: 'ok', storage: 'ok' });
      const started = await fetch(`${server.url}/runtime/webhooks/durabletask/orchestrators/Hello`, {
        method: 'POST',
        headers: { 'x-functions-key': 'k1' },
      });
      expect(started.status).toBe(202);
    } finally {
      await server.close();
    }
    expect((await stat(join(dataDir, 'azurite'))).isDirectory()).toBe(true);
  });

  it('checks orchestrator names against the in-process worker registry', async () => {
    const server = await startServer(loadConfig(env({ TASKHUB_WORKER: 'true', TASKHUB_KEYS: 'k1' })));
    try {
      const res = await fetch(`${server.url}/runtime/webhooks/durabletask/orchestrators/NoSuchOrchestrator`, {
        method: 'POST',
        headers: { 'x-functions-key': 'k1' },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'UnknownOrchestrator' });
    } finally {
      await server.close();
    }
  });
});

describe('npm start entry', () => {
  it('prints a config error as one line and exits with 2', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts', '--bogus'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("taskhub: Unknown option '--bogus'.");
  });
});
