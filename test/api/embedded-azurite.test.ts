// The embedded Azurite lives and dies with its server (also on kill -9), and one data folder
// serves one server at a time.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'taskhub-embedded-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const config = () => loadConfig({ TASKHUB_DATA_DIR: dataDir, TASKHUB_KEYS: 'k1', PORT: '0', TASKHUB_WORKER: 'false', LOG_LEVEL: 'silent' });

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutInMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutInMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

describe('embedded Azurite', () => {
  it(
    'refuses a second server on the same data folder with a clear message, and allows it once the first stops',
    { timeout: 180_000 },
    async () => {
      const first = await startServer(config());
      try {
        const started = Date.now();
        await expect(startServer(config())).rejects.toThrow(
          new RegExp(`^data folder ${dataDir} is in use by another taskhub server \\(pid ${process.pid}\\)`),
        );
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await first.close();
      }
      const second = await startServer(config());
      await second.close();
    },
  );

  it('goes down with its server on kill -9, and a restart takes over the stale lock', { timeout: 180_000 }, async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH ?? '', TASKHUB_DATA_DIR: dataDir, TASKHUB_KEYS: 'k1', PORT: '0', TASKHUB_WORKER: 'false' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    server.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise((r) => server.once('exit', r));
    try {
      expect(await until(() => stdout.includes('listening on'), 90_000)).toBe(true);
      const lock = JSON.parse(await readFile(join(dataDir, 'taskhub.lock'), 'utf8')) as { pid: number; emulatorPid: number };
      expect(lock.pid).toBe(server.pid);
      expect(isRunning(lock.emulatorPid)).toBe(true);

      server.kill('SIGKILL');
      await exited;
      expect(await until(() => !isRunning(lock.emulatorPid), 10_000)).toBe(true);
    } finally {
      server.kill('SIGKILL');
    }
    const restarted = await startServer(config());
    try {
      const health = await fetch(`${restarted.url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await restarted.close();
    }
  });
});
