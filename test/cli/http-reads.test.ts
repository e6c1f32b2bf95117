// What `taskhub --url` prints of what the server reads back: payloads exactly as the caller wrote
// them (the server keeps the JSON text; so must the CLI), and a status a newer provider wrote.

import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { azuriteConnectionString } from '../helpers/hub.js';
import { setInstanceState } from '../helpers/instance-state.js';
import { direct, runCli } from './cli-helpers.js';

const KEY = 'cli-reads-key-0123456789';
let server: TestApp;
let overHttp: string[];
let overStorage: string[];

beforeAll(async () => {
  server = await startTestApp({ hubPrefix: 'clireads', keys: [KEY], listen: true });
  overHttp = ['--url', server.url, '--key', KEY, '--task-hub-name', server.hub];
  overStorage = direct(server.hub);
});

afterAll(async () => {
  await server?.close();
});

const INPUT = '{"big":12345678901234567890,"ratio":1.0,"list":[1.50,2e3]}';
const OUTPUT = '[12345678901234567890, 1.0]';

describe('payloads over --url are printed as the caller wrote them', () => {
  beforeAll(async () => {
    const started = await runCli(['start-new', ...overHttp, '--function-name', 'Hello', '--id', 'lossless-1', '--input', INPUT]);
    expect([started.code, started.stderr]).toEqual([0, '']);
    await setInstanceState(server.store, 'lossless-1', 'Completed', { output: OUTPUT, customStatus: '{"step":2.0}' });
  });

  it('get-runtime-status --json prints input, output and custom status text unchanged, as the direct transport does', async () => {
    const args = ['get-runtime-status', '--id', 'lossless-1', '--show-input', '--show-output', '--json'];
    const http = await runCli([...args, ...overHttp]);
    expect([http.code, http.stderr]).toEqual([0, '']);
    expect(http.stdout).toContain(`"input": ${INPUT}`);
    expect(http.stdout).toContain(`"output": ${OUTPUT}`);
    expect(http.stdout).toContain('"customStatus": {"step":2.0}');
    const storage = await runCli([...args, ...overStorage]);
    expect(storage.stdout).toBe(http.stdout);
  });

  it('the human-readable block shows the same text', async () => {
    const http = await runCli(['get-runtime-status', '--id', 'lossless-1', '--show-input', '--show-output', ...overHttp]);
    expect(http.code).toBe(0);
    expect(http.stdout).toMatch(/^Input: +\{"big":12345678901234567890,"ratio":1\.0,"list":\[1\.50,2e3\]\}$/m);
    expect(http.stdout).toMatch(/^Output: +\[12345678901234567890, 1\.0\]$/m);
  });

  it('a JSON string output prints as its text over both transports', async () => {
    expect((await runCli(['start-new', ...overHttp, '--function-name', 'Hello', '--id', 'text-1'])).code).toBe(0);
    await setInstanceState(server.store, 'text-1', 'Completed', { output: '"all done"' });
    const args = ['get-runtime-status', '--id', 'text-1', '--show-output'];
    const http = await runCli([...args, ...overHttp]);
    expect(http.stdout).toMatch(/^Output: +all done$/m);
    expect((await runCli([...args, ...overStorage])).stdout).toBe(http.stdout);
  });

  it('get-instances --json keeps them too', async () => {
    const http = await runCli(['get-instances', '--instance-id-prefix', 'lossless-', '--show-input', '--json', ...overHttp]);
    expect([http.code, http.stderr]).toEqual([0, '']);
    expect(http.stdout).toContain(`"input": ${INPUT}`);
    expect(http.stdout).toContain(`"output": ${OUTPUT}`);
  });
});

describe('a stored status the server does not know', () => {
  it('shows as Unknown over --url (the server answers 500 with the status object) and over storage', async () => {
    const started = await runCli(['start-new', ...overHttp, '--function-name', 'Hello', '--id', 'foreign-1']);
    expect(started.code).toBe(0);
    // Storage fixture, not progress: the row as a newer provider might write it.
    const table = TableClient.fromConnectionString(azuriteConnectionString(), `${server.hub}Instances`, { allowInsecureConnection: true });
    await table.updateEntity({ partitionKey: 'foreign-1', rowKey: '', RuntimeStatus: 'Quarantined' }, 'Merge');

    for (const transport of [overHttp, overStorage]) {
      const status = await runCli(['get-runtime-status', '--id', 'foreign-1', ...transport]);
      expect([status.code, status.stderr]).toEqual([0, '']);
      expect(status.stdout).toMatch(/^Runtime status: +Unknown$/m);
      const list = await runCli(['get-instances', '--instance-id-prefix', 'foreign-', ...transport]);
      expect([list.code, list.stderr]).toEqual([0, '']);
      expect(list.stdout).toMatch(/^foreign-1 +Hello +Unknown /m);
    }
  });
});
