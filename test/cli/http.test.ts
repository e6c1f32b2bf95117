// The verbs against a running taskhub server (--url), with the same expectations as against storage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub, parseJson, runCli, storeFor } from './cli-helpers.js';
import { defineVerbTests } from './verb-scenario.js';

const KEY = 'cli-test-key-0123456789';
let server: TestApp;
let url = '';

beforeAll(async () => {
  server = await startTestApp({ hubPrefix: 'clisrv', keys: [KEY], listen: true });
  url = server.url;
});

afterAll(async () => {
  await server?.close();
});

// The key travels through TASKHUB_KEY here; `--key` is checked below.
defineVerbTests({ name: 'http', args: (hub) => ['--url', url, '--task-hub-name', hub], env: { TASKHUB_KEY: KEY } });

describe('taskhub over http: keys, connections, deleting a hub', () => {
  const hub = freshHubName('clihttp');
  beforeAll(async () => {
    await createHub(hub);
  });

  it('sends --key, names the connection, and reports a wrong key as a failed operation', async () => {
    const ok = await runCli([
      'start-new',
      '--url',
      url,
      '--key',
      KEY,
      '--task-hub-name',
      hub,
      '--connection-string-setting',
      'AzureWebJobsStorage',
      '--function-name',
      'Hello',
      '--id',
      'k1',
    ]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect((await storeFor(hub).getInstance('k1'))?.name).toBe('Hello');

    const denied = await runCli(['get-runtime-status', '--url', url, '--key', 'wrong', '--task-hub-name', hub, '--id', 'k1']);
    expect([denied.code, denied.stdout]).toEqual([1, '']);
    expect(denied.stderr).toMatch(/^taskhub get-runtime-status: .*\(Unauthorized\)\n$/);
    expect(denied.stderr).not.toContain('wrong');

    const unknown = await runCli([
      'get-instances',
      '--url',
      url,
      '--key',
      KEY,
      '--task-hub-name',
      hub,
      '--connection-string-setting',
      'Nope',
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('UnknownConnection')]);
  });

  it('delete-task-hub deletes the named hub through the server; afterwards the server reports it missing', async () => {
    const doomed = freshHubName('clihttpdel');
    await createHub(doomed);
    const args = ['--url', url, '--key', KEY, '--task-hub-name', doomed];
    expect((await runCli(['start-new', ...args, '--function-name', 'Hello', '--id', 'd1'])).code).toBe(0);

    const deleted = await runCli(['delete-task-hub', ...args, '--json']);
    expect([deleted.code, deleted.stderr]).toEqual([0, '']);
    expect(parseJson(deleted)).toEqual({ taskHub: doomed, deleted: true });
    expect(await storeFor(doomed).exists()).toBe(false);

    const after = await runCli(['get-runtime-status', ...args, '--id', 'd1']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^taskhub get-runtime-status: .*\(TaskHubNotFound\)\n$/);
    const again = await runCli(['delete-task-hub', ...args]);
    expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('TaskHubNotFound')]);
    expect(await storeFor(hub).exists()).toBe(true);
  });

  it('delete-task-hub over --url needs --task-hub-name: the server default is never deleted implicitly', async () => {
    const result = await runCli(['delete-task-hub', '--url', url, '--key', KEY]);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toBe('taskhub delete-task-hub: delete-task-hub with --url needs --task-hub-name <name>.\n');
  });

  it('reports an unreachable server in one line', async () => {
    const result = await runCli(['get-instances', '--url', 'http://127.0.0.1:9', '--task-hub-name', hub]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^taskhub get-instances: Cannot reach the taskhub server at http:\/\/127\.0\.0\.1:9 .*\n$/);
  });
});
