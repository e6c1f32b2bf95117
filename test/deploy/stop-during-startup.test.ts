// A stop signal while the server is still starting (no storage configured, so it launches the
// embedded Azurite and loads its modules meanwhile): the start-up is abandoned and the process
// leaves with exit code 0, as `docker stop` on a container still booting expects. A real process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'taskhub-stop-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean, timeoutInMs: number): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a stop signal during start-up', () => {
  it('abandons the start-up and exits 0 while the embedded Azurite is still starting', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TASKHUB_KEYS: 'startup-key-0123456789', TASKHUB_DATA_DIR: dir, LOG_LEVEL: 'warn' };
    delete env.AzureWebJobsStorage;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--port', '0'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.stderr.on('data', (chunk) => (err += String(chunk)));
    try {
      // The folder lock is taken right before the emulator is launched and the modules are loaded.
      await until(() => existsSync(join(dir, 'taskhub.lock')), 60_000);
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(out).not.toContain('listening on');
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
