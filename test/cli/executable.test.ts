// The real executable, spawned: one smoke test per transport (every other CLI test calls `run`
// in-process). `taskhub serve` starts the same server as `npm start`, the spawned CLI talks to it
// over --url, and the server stops cleanly on SIGTERM; the direct transport reads AzureWebJobsStorage
// and TASKHUB_HUB_NAME from the environment, from any working directory.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { BIN, createHub, parseJson, runCli, spawnCli, storeFor } from './cli-helpers.js';
import { SUITE_STORAGE_TRY_TIMEOUT_MS } from '../helpers/stores.js';

describe('the taskhub executable', () => {
  it('serve listens and serves its hub; the --url transport works; SIGTERM stops it cleanly', async () => {
    const hub = freshHubName('cliserve');
    const key = 'serve-test-key-0123456789';
    const env = {
      ...process.env,
      AzureWebJobsStorage: azuriteConnectionString(),
      TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS,
      TASKHUB_KEYS: key,
      TASKHUB_HUB_NAME: hub,
      LOG_LEVEL: 'warn',
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'taskhub-serve-'));
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-worker', '--data-dir', dataDir], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
        await spawnCli(['start-new', '--url', url, '--function-name', 'Hello', '--id', 's1', '--json'], { TASKHUB_KEY: key }),
      );
      expect(started).toEqual({ instanceId: 's1' });
      const listed = parseJson<{ instances: { instanceId: string }[] }>(
        await runCli(['get-instances', '--task-hub-name', hub, '--json'], { AzureWebJobsStorage: azuriteConnectionString() }),
      );
      expect(listed.instances.map((s) => s.instanceId)).toEqual(['s1']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('direct transport: uses AzureWebJobsStorage and TASKHUB_HUB_NAME by default, from any working directory', async () => {
    const hub = freshHubName('clidef');
    await createHub(hub);
    const env = { AzureWebJobsStorage: azuriteConnectionString(), TASKHUB_HUB_NAME: hub };
    const result = await spawnCli(['start-new', '--function-name', 'Hello', '--id', 'x1', '--json'], env, '/');
    expect(parseJson(result)).toEqual({ instanceId: 'x1' });
    expect((await storeFor(hub).getInstance('x1'))?.name).toBe('Hello');
  });
});
