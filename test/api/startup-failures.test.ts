// Start-up failures are fast and say why: a data folder that cannot be used, a malformed
// connection string (never quoted: it holds the key). Each runs the real entry point.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';

/** startServer's rejection message and how long it took. */
async function startFailure(env: Record<string, string>): Promise<{ message: string; ms: number }> {
  const started = Date.now();
  const config = loadConfig({ PORT: '0', TASKHUB_WORKER: 'false', LOG_LEVEL: 'silent', ...env });
  const message = await startServer(config).then(
    async (server) => {
      await server.close();
      return 'started';
    },
    (error: unknown) => (error as Error).message,
  );
  return { message, ms: Date.now() - started };
}

/** Loading TypeScript takes a few seconds, up to ~18 s on a busy 2-core CI machine; before the fix these took 31 s or forever. */
const FAST_MS = 25_000;
let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'taskhub-startup-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

/** Runs `npm start`'s entry with the given environment; kills it if it has not exited in 40 s. */
function runServer(env: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', TASKHUB_WORKER: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

/** A folder this process cannot write to, even as root (immutable attribute), else by mode. */
async function unwritableFolder(): Promise<string> {
  const folder = join(scratch, 'locked');
  await rm(folder, { recursive: true, force: true });
  spawnSync('mkdir', [folder]);
  const immutable = process.getuid?.() === 0 && spawnSync('chattr', ['+i', folder]).status === 0;
  if (!immutable) spawnSync('chmod', ['0500', folder]);
  return folder;
}

describe('start-up failures', () => {
  it('stops at once when the data folder is not writable', async () => {
    const folder = await unwritableFolder();
    const result = await startFailure({ TASKHUB_DATA_DIR: folder });
    spawnSync('chattr', ['-i', folder]);
    expect(result.message).toMatch(/^data folder .*locked is not writable \(E[A-Z]+\)\.$/);
    expect(result.ms).toBeLessThan(FAST_MS);
  });

  it('stops at once when the data folder is a file', async () => {
    const file = join(scratch, 'plain-file');
    await writeFile(file, 'x');
    const result = await startFailure({ TASKHUB_DATA_DIR: file });
    expect(result.message).toBe(`data folder ${file} is not a directory.`);
    expect(result.ms).toBeLessThan(FAST_MS);
  });

  it('exits 1 with one clear line for a data folder under /proc (no endless mkdir loop)', async () => {
    const result = await runServer({ TASKHUB_DATA_DIR: '/proc/x' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^taskhub: failed to start: data folder \/proc\/x cannot be created \(E[A-Z]+\)\.$/);
    expect(result.ms).toBeLessThan(FAST_MS);
  });

  it('says a connection string is malformed without quoting it', async () => {
    for (const value of [
      'garbage-with-secret-part',
      'AccountName=acct;AccountKey=secretsecret',
      'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=secretsecret',
      'Default;AccountKey=secretsecret',
    ]) {
      const result = await startFailure({ AzureWebJobsStorage: value, TASKHUB_KEYS: 'k1', TASKHUB_DATA_DIR: scratch });
      expect(result.message, value).toMatch(/^connection 'AzureWebJobsStorage' is not a valid storage connection string: /);
      expect(result.message, value).not.toMatch(/secret|toLowerCase|acct/);
      expect(result.ms).toBeLessThan(FAST_MS);
    }
  });
});
