// Bad command lines: exit code 2, one line on stderr, nothing on stdout, and nothing sent or stored.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { globalHelp, verbHelp } from '../../src/cli/help.js';
import { VERBS } from '../../src/cli/verbs/index.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub, direct, runCli, storeFor } from './cli-helpers.js';

const hub = freshHubName('cliuse');
let recorder: Server;
let requests = 0;
let url = '';

beforeAll(async () => {
  await createHub(hub);
  // Stands in for a server: any request reaching it means bad input was sent.
  recorder = createServer((_req, res) => {
    requests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => recorder.close(resolve));
});

const BAD_INPUT: [string, string[], RegExp][] = [
  ['missing --id', ['get-runtime-status'], /--id is required\./],
  ['bad JSON input', ['start-new', '--function-name', 'Hello', '--id', 'bad-json', '--input', '{oops'], /--input is not valid JSON/],
  [
    'unreadable @file',
    ['raise-event', '--id', 'x', '--event-name', 'E', '--event-data', '@/no/such/file.json'],
    /Cannot read '\/no\/such\/file\.json' for --event-data: ENOENT\./,
  ],
  ['impossible date', ['get-instances', '--created-after', '2024-02-30'], /--created-after must be an ISO-8601 date/],
  ['unknown status', ['purge-history', '--runtime-status', 'Completed', 'Sleeping'], /Unknown runtime status 'Sleeping'/],
  ['purging running instances', ['purge-history', '--runtime-status', 'running'], /Only finished instances can be purged; remove Running/],
  ['unknown option', ['terminate', '--id', 'x', '--force'], /Unknown option '--force'\./],
  ['bad --top', ['get-instances', '--top', '5000'], /--top must be a whole number from 1 to 1000/],
  [
    'wait interval over timeout',
    ['wait', '--id', 'x', '--timeout', '1', '--retry-interval', '2'],
    /--retry-interval must not be longer than --timeout/,
  ],
];

describe('usage errors', () => {
  it.concurrent.each(BAD_INPUT)('%s: exit 2 over http, nothing sent', async (_name, args, message) => {
    const result = await runCli([...args, '--url', url, '--task-hub-name', hub]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^taskhub [a-z-]+: [^\n]+\n$/);
    expect(result.stderr).toMatch(message);
  });

  it('sent nothing to the server for any of them', () => {
    expect(requests).toBe(0);
  });

  it.concurrent('bad JSON against storage: exit 2 and no instance stored', async () => {
    const result = await runCli(['start-new', '--function-name', 'Hello', '--id', 'bad-json', '--input', '{oops', ...direct(hub)]);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(await storeFor(hub).getInstance('bad-json')).toBeUndefined();
    expect((await storeFor(hub).listInstances({}, { pageSize: 10 })).items).toEqual([]);
  });

  it.concurrent('unknown verbs and missing settings are usage errors too', async () => {
    const [unknown, noSetting, none] = await Promise.all([
      runCli(['get-status', '--id', 'x']),
      runCli(['get-instances', '--connection-string-setting', 'NOT_SET_ANYWHERE']),
      runCli([]),
    ]);
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      "taskhub get-status: Unknown command 'get-status'; run 'taskhub --help' for the list.\n",
    ]);
    expect([noSetting.code, noSetting.stderr]).toEqual([
      2,
      "taskhub get-instances: The environment setting 'NOT_SET_ANYWHERE' (--connection-string-setting) holds no connection string and no identity settings (NOT_SET_ANYWHERE__accountName, ...) are set.\n",
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: taskhub <command> [options]');
  });
});

describe('help', () => {
  it.concurrent('taskhub --help lists every command; taskhub <verb> --help every option', async () => {
    const [top, verb] = await Promise.all([runCli(['--help']), runCli(['get-instances', '--help'])]);
    expect([top.code, top.stdout]).toEqual([0, globalHelp(VERBS)]);
    expect([verb.code, verb.stdout]).toEqual([0, verbHelp(VERBS.find((v) => v.name === 'get-instances')!)]);
  });

  it('every verb documents every option it accepts, and names its func durable equivalent', () => {
    const top = globalHelp(VERBS);
    for (const verb of VERBS) {
      expect(top).toMatch(new RegExp(`^  ${verb.name} +\\S`, 'm'));
      const help = verbHelp(verb);
      for (const [name, spec] of Object.entries(verb.options)) {
        expect(help).toMatch(new RegExp(`^  --${name}\\b.*  ${spec.description.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
      }
      for (const common of ['--task-hub-name', '--connection-string-setting', '--url', '--key', '--json']) expect(help).toContain(common);
    }
    const equivalents = VERBS.filter((v) => v.funcEquivalent).map((v) => v.name);
    expect(equivalents.sort()).toEqual(
      [
        'start-new',
        'get-runtime-status',
        'get-history',
        'get-instances',
        'terminate',
        'raise-event',
        'rewind',
        'purge-history',
        'delete-task-hub',
      ].sort(),
    );
  });
});
