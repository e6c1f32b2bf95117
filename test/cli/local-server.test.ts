// With no connection string set, the CLI finds the server started from the same folder through
// the data folder (address and key, readable only by their owner) and says what it used.
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { serverAddressFile } from '../../src/server-address.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { runCli } from './cli-helpers.js';
import { testConfig } from '../helpers/stores.js';

let folder = '';
let dataDir = '';
let server: RunningServer | undefined;
const hub = freshHubName('local');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'taskhub-local-'));
  dataDir = join(folder, '.taskhub');
  const config = testConfig({
    AzureWebJobsStorage: azuriteConnectionString(),
    TASKHUB_DATA_DIR: dataDir,
    TASKHUB_HUB_NAME: hub,
    TASKHUB_WORKER: 'false',
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  server = await startServer(config);
});
afterAll(async () => {
  await server?.close();
});

describe('the CLI finds the local server', () => {
  it('publishes its address and key in the data folder, readable by its owner only', async () => {
    const info = await stat(serverAddressFile(dataDir));
    expect(info.mode & 0o777).toBe(0o600);
  });

  it('uses that server when no connection string is set, and says so on stderr', async () => {
    const started = await runCli(['start-new', '--function-name', 'Hello', '--id', 'via-local', '--json'], {}, folder);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toMatch(
      /AzureWebJobsStorage is not set; using the server at http:\/\/127\.0\.0\.1:\d+ \(found in .*\.taskhub\)/,
    );
    const status = await runCli(['get-runtime-status', '--id', 'via-local', '--json'], {}, folder);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ instanceId: 'via-local', runtimeStatus: 'Pending' });
  });

  it('removes the file on a clean stop; the CLI then asks for a connection string', async () => {
    await server?.close();
    server = undefined;
    await expect(stat(serverAddressFile(dataDir))).rejects.toMatchObject({ code: 'ENOENT' });
    const res = await runCli(['get-instances'], {}, folder);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('AzureWebJobsStorage');
  });
});
