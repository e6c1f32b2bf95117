// `taskhub serve` starts the same server as `npm start`; the CLI then talks to it over http.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { BIN, parseJson, runCli } from './cli-helpers.js';

describe('taskhub serve', () => {
  it('listens, serves the management API for its hub, and stops cleanly on SIGTERM', async () => {
    const hub = freshHubName('cliserve');
    const key = 'serve-test-key-0123456789';
    const env = {
      ...process.env,
      AzureWebJobsStorage: azuriteConnectionString(),
      TASKHUB_KEYS: key,
      TASKHUB_HUB_NAME: hub,
      LOG_LEVEL: 'warn',
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'taskhub-serve-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-worker', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]);
        });
        void exited.then((code) => reject(new Error(`serve exited ${code} before listening`)));
      });
      // The hub was created by the server at startup, so the CLI can use it at once.
      const started = parseJson<{ instanceId: string }>(
        await runCli(['start-new', '--url', url, '--function-name', 'Hello', '--id', 's1', '--json'], { TASKHUB_KEY: key }),
      );
      expect(started).toEqual({ instanceId: 's1' });
      const listed = parseJson<{ instances: { instanceId: string }[] }>(await runCli(['get-instances', ...['--task-hub-name', hub], '--json'], { AzureWebJobsStorage: azuriteConnectionString() }));
      expect(listed.instances.map((s) => s.instanceId)).toEqual(['s1']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
