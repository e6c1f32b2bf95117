// A stop signal while a long poll is held and an activity is running: the long poll is answered at
// once (202, check-status), the in-flight activity gets TASKHUB_STOP_GRACE_MS, and the process
// leaves with exit code 0 long before the activity would have finished. A real server process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';

const KEY = 'stop-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'taskhub-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean | Promise<boolean>, timeoutInMs: number): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('stopping a server with work in flight', () => {
  it('answers long polls at once, gives the running activity a bounded grace and exits 0', async () => {
    const marker = join(dir, 'activity-started');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--port', '0'], {
      env: {
        ...process.env,
        AzureWebJobsStorage: azuriteConnectionString(),
        TASKHUB_HUB_NAME: freshHubName('stop'),
        TASKHUB_KEYS: KEY,
        TASKHUB_DATA_DIR: dir,
        TASKHUB_APP: 'test/deploy/fixtures/slow-activity-app.ts',
        TASKHUB_STOP_GRACE_MS: '500',
        SLOW_ACTIVITY_MARKER: marker,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      let out = '';
      child.stdout.on('data', (chunk) => (out += String(chunk)));
      await until(() => /listening on (http:\/\/\S+)/.test(out), 60_000);
      const url = /listening on (http:\/\/\S+)/.exec(out)![1];
      const started = await fetch(`${url}/runtime/webhooks/durabletask/orchestrators/SlowOne?code=${KEY}`, { method: 'POST' });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as { id: string };
      await until(() => existsSync(marker), 30_000);
      const longPoll = fetch(`${url}/runtime/webhooks/durabletask/instances/${id}/wait?timeout=60&code=${KEY}`);
      await new Promise((r) => setTimeout(r, 300));

      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const answer = await longPoll;
      expect(answer.status).toBe(202);
      expect(((await answer.json()) as { id: string }).id).toBe(id);
      const [code] = await exited;
      expect(code).toBe(0);
      // The activity had almost a minute to go: the process did not wait for it.
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
