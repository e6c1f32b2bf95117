// Inside a Functions app folder the CLI takes what the command line leaves out as Core Tools does:
// the task hub (and connection setting name) from host.json in the working directory, the
// connection string from the environment, else from Values in local.settings.json. Broken files
// are one-line usage errors that never print a connection string.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/cli/transport.js';
import { publishServerAddress } from '../../src/server-address.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { parseJson, runCli, storeFor } from './cli-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'taskhub-app-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh folder holding the given files (objects are written as JSON, text as it is). */
function appFolder(files: Record<string, unknown>, under = root): string {
  const folder = mkdtempSync(join(under, 'app-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(folder, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return folder;
}

const hostV2 = (durableTask: object) => ({ version: '2.0', extensions: { durableTask } });
const localSettings = (values: Record<string, string>) => ({ IsEncrypted: false, Values: values });
const SECRET = 'AccountKey=c2VjcmV0LWtleS1uZXZlci1wcmludGVk';
const fileAccount = `DefaultEndpointsProtocol=https;AccountName=fromfile;${SECRET};EndpointSuffix=core.windows.net`;
const envAccount = 'DefaultEndpointsProtocol=https;AccountName=fromenv;AccountKey=ZW52;EndpointSuffix=core.windows.net';

function resolved(cwd: string, env: Record<string, string> = {}, values: Record<string, string> = {}) {
  const target = resolveTarget(values, env, { cwd, notice: () => {} });
  return { hub: target.hub, overHttp: target.overHttp, connection: target.config?.connections[target.hub.connection] };
}

describe('taskhub in a Functions app folder: what it resolves', () => {
  it('takes the hub from host.json (v2: extensions.durableTask) and the connection from local.settings.json', () => {
    const folder = appFolder({
      'host.json': hostV2({ hubName: 'AppHub' }),
      'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }),
    });
    expect(resolved(folder)).toEqual({
      hub: { connection: 'AzureWebJobsStorage', taskHub: 'AppHub' },
      overHttp: false,
      connection: fileAccount,
    });
  });

  it('order for the hub: --task-hub-name, then TASKHUB_HUB_NAME, then host.json, then DurableFunctionsHub', () => {
    const files = { 'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }) };
    const folder = appFolder({ ...files, 'host.json': hostV2({ HubName: 'AppHub' }) });
    expect(resolved(folder, { TASKHUB_HUB_NAME: 'EnvHub' }, { 'task-hub-name': 'FlagHub' }).hub.taskHub).toBe('FlagHub');
    expect(resolved(folder, { TASKHUB_HUB_NAME: 'EnvHub' }).hub.taskHub).toBe('EnvHub');
    expect(resolved(folder).hub.taskHub).toBe('AppHub');
    expect(resolved(appFolder({ ...files, 'host.json': { version: '2.0' } })).hub.taskHub).toBe('DurableFunctionsHub');
  });

  it('reads durableTask at the top level unless version is "2.0", as Core Tools does', () => {
    const files = { 'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }) };
    expect(resolved(appFolder({ ...files, 'host.json': { durableTask: { hubName: 'V1Hub' } } })).hub.taskHub).toBe('V1Hub');
    const mixed = { version: '2.0', durableTask: { hubName: 'Ignored' }, extensions: { durableTask: { hubName: 'V2Hub' } } };
    expect(resolved(appFolder({ ...files, 'host.json': mixed })).hub.taskHub).toBe('V2Hub');
    const v1WithExtensions = { extensions: { durableTask: { hubName: 'Ignored' } } };
    expect(resolved(appFolder({ ...files, 'host.json': v1WithExtensions })).hub.taskHub).toBe('DurableFunctionsHub');
  });

  it('the environment wins over local.settings.json for the connection string', () => {
    const folder = appFolder({ 'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }) });
    expect(resolved(folder, { AzureWebJobsStorage: envAccount }).connection).toBe(envAccount);
    expect(resolved(folder).connection).toBe(fileAccount);
  });

  it('host.json may name the setting (AzureStorageConnectionStringName); --connection-string-setting wins over it', () => {
    const folder = appFolder({
      'host.json': hostV2({ azureStorageConnectionStringName: 'AppStorage' }),
      // Core Tools matches the Values key regardless of case.
      'local.settings.json': localSettings({ appstorage: fileAccount, Other: envAccount }),
    });
    expect(resolved(folder)).toMatchObject({ hub: { connection: 'AppStorage' }, connection: fileAccount });
    expect(resolved(folder, {}, { 'connection-string-setting': 'Other' })).toMatchObject({
      hub: { connection: 'Other' },
      connection: envAccount,
    });
  });

  it('local.settings.json is found in the folders above; host.json only in the working directory', () => {
    const app = appFolder({
      'host.json': hostV2({ hubName: 'AppHub' }),
      'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }),
    });
    const nested = join(app, 'src', 'functions');
    mkdirSync(nested, { recursive: true });
    expect(resolved(nested)).toMatchObject({ hub: { taskHub: 'DurableFunctionsHub' }, connection: fileAccount });
    // The nearest folder holding host.json is the app root; a local.settings.json above it is not the app's.
    const outer = appFolder({ 'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }) });
    const inner = appFolder({ 'host.json': hostV2({}) }, outer);
    expect(() => resolved(inner)).not.toThrow();
    expect(resolved(inner).connection).toBeUndefined();
  });

  it('accepts what Core Tools accepts: a byte-order mark, comments and trailing commas', () => {
    const folder = appFolder({
      'host.json':
        '\uFEFF{\n  // the hub\n  "version": "2.0",\n  "extensions": { "durableTask": { /* name */ "hubName": "Commented", }, },\n}\n',
      'local.settings.json': `{ "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "${fileAccount}", // https://x\n }, }`,
    });
    expect(resolved(folder)).toMatchObject({ hub: { taskHub: 'Commented' }, connection: fileAccount });
  });

  it('with --url neither file is read: the server has its own settings', () => {
    const folder = appFolder({ 'host.json': '{ broken', 'local.settings.json': '{ broken' });
    expect(resolved(folder, {}, { url: 'http://127.0.0.1:1' })).toEqual({
      hub: { connection: '', taskHub: '' },
      overHttp: true,
      connection: undefined,
    });
  });
});

describe('taskhub in a Functions app folder: the local server', () => {
  it('with no connection string anywhere, the server started from the folder is asked about the hub host.json names', async () => {
    const folder = appFolder({ 'host.json': hostV2({ hubName: 'AppHub' }), 'local.settings.json': localSettings({ Other: fileAccount }) });
    const remove = await publishServerAddress(join(folder, '.taskhub'), { url: 'http://127.0.0.1:1', key: 'k' });
    try {
      expect(resolved(folder)).toEqual({ hub: { connection: '', taskHub: 'AppHub' }, overHttp: true, connection: undefined });
      // A connection string in local.settings.json means storage, as in the environment.
      const withConnection = appFolder({
        'host.json': hostV2({ hubName: 'AppHub' }),
        'local.settings.json': localSettings({ AzureWebJobsStorage: fileAccount }),
      });
      const removeToo = await publishServerAddress(join(withConnection, '.taskhub'), { url: 'http://127.0.0.1:1', key: 'k' });
      try {
        expect(resolved(withConnection)).toMatchObject({ overHttp: false, connection: fileAccount });
        // ...and the user hears where the server from this folder is, since it keeps other storage.
        const notices: string[] = [];
        resolveTarget({}, {}, { cwd: withConnection, notice: (text) => notices.push(text) });
        expect(notices).toEqual([expect.stringContaining('pass --url http://127.0.0.1:1 to use it')]);
        expect(notices.join('')).not.toContain('c2VjcmV0');
        // No notice when the environment gives the setting: nothing was taken from the file.
        const quiet: string[] = [];
        resolveTarget({}, { AzureWebJobsStorage: envAccount }, { cwd: withConnection, notice: (text) => quiet.push(text) });
        expect(quiet).toEqual([]);
        // Nor when the named setting is set nowhere: nothing came from the file either.
        const missing: string[] = [];
        resolveTarget({ 'connection-string-setting': 'NotSetAnywhere' }, {}, { cwd: withConnection, notice: (text) => missing.push(text) });
        expect(missing).toEqual([]);
      } finally {
        await removeToo();
      }
    } finally {
      await remove();
    }
  });
});

describe('taskhub in a Functions app folder: against storage', () => {
  it('func durable lines without --task-hub-name work on the hub host.json names, with the connection string from local.settings.json', async () => {
    const hub = freshHubName('AppFolder');
    const folder = appFolder({
      'host.json': hostV2({ hubName: hub }),
      'local.settings.json': localSettings({ AzureWebJobsStorage: azuriteConnectionString() }),
    });
    const started = await runCli(['start-new', '--function-name', 'HelloWorld', '--id', 'app-1', '--json'], {}, folder);
    expect([started.code, started.stderr]).toEqual([0, '']);
    expect((await storeFor(hub).getInstance('app-1'))?.name).toBe('HelloWorld');
    const status = parseJson<{ runtimeStatus: string }>(await runCli(['get-runtime-status', '--id', 'app-1', '--json'], {}, folder));
    expect(status.runtimeStatus).toBe('Pending');
    expect(started.stdout + started.stderr).not.toContain(azuriteConnectionString());
  });
});

describe('taskhub in a Functions app folder: broken files are one-line usage errors', () => {
  const ONE_LINE = /^taskhub get-instances: [^\n]+\n$/;
  const fails = async (files: Record<string, unknown>, message: RegExp, env: Record<string, string> = {}) => {
    const folder = appFolder(files);
    const result = await runCli(['get-instances'], env, folder);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(ONE_LINE);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('c2VjcmV0');
    return result.stderr;
  };

  it('malformed JSON: the file and where, never its text', async () => {
    const badLine = `  "Values": { "AzureWebJobsStorage": "${fileAccount}" "x": 1 }`;
    const stderr = await fails(
      { 'local.settings.json': `{\n  "IsEncrypted": false,\n${badLine}\n}` },
      new RegExp(`local\\.settings\\.json is not valid JSON \\(line 3, column ${badLine.indexOf('"x"') + 1}\\)\\.\n$`),
    );
    expect(stderr).not.toContain('AccountName');
    await fails(
      { 'host.json': `{ "version": "2.0", "extensions": { "durableTask": { "hubName": "${SECRET}' } }` },
      /host\.json is not valid JSON/,
    );
    await fails({ 'host.json': '[]' }, /host\.json must hold a JSON object\./);
    await fails({ 'host.json': hostV2({ hubName: 42 }) }, /extensions\.durableTask\.hubName in .*host\.json must be a string\./);
    await fails(
      { 'local.settings.json': { IsEncrypted: false, Values: { AzureWebJobsStorage: { nested: SECRET } } } },
      /Values\.AzureWebJobsStorage in .*local\.settings\.json must be a string\./,
    );
  });

  it('a broken local.settings.json is not read while the environment has the setting; a broken host.json always fails', async () => {
    const folder = appFolder({ 'local.settings.json': '{ broken' });
    const fine = await runCli(
      ['get-instances', '--task-hub-name', freshHubName('unused')],
      { AzureWebJobsStorage: azuriteConnectionString() },
      folder,
    );
    // It reached storage: the hub does not exist there.
    expect([fine.code, fine.stderr]).toEqual([1, expect.stringContaining('TaskHubNotFound')]);
    await fails({ 'host.json': '{ broken' }, /host\.json is not valid JSON/, { AzureWebJobsStorage: azuriteConnectionString() });
  });

  it('encrypted settings, other storage providers and %setting% hub names are refused with what to do', async () => {
    await fails(
      { 'local.settings.json': { IsEncrypted: true, Values: { AzureWebJobsStorage: 'AQAAANCMnd8BFdERjHoAwE' } } },
      /AzureWebJobsStorage in .*local\.settings\.json is encrypted \(IsEncrypted is not false\) and taskhub cannot decrypt it: run 'func settings decrypt' there/,
    );
    await fails(
      { 'host.json': hostV2({ storageProvider: { type: 'mssql' } }) },
      /selects the mssql storage provider .*; taskhub works on Azure Storage task hubs only\./,
    );
    await fails(
      { 'host.json': hostV2({ hubName: '%MyTaskHub%' }) },
      /extensions\.durableTask\.hubName in .*host\.json must be .*, got '%MyTaskHub%'; app-setting references are not resolved here/,
    );
  });

  it('a setting found nowhere names the local.settings.json that was read too', async () => {
    await fails(
      {
        'host.json': hostV2({ AzureStorageConnectionStringName: 'AppStorage' }),
        'local.settings.json': localSettings({ Other: fileAccount }),
      },
      /The environment setting 'AppStorage' \(named by extensions\.durableTask\.AzureStorageConnectionStringName in .*host\.json\) holds no connection string .* neither in the environment nor in Values of .*local\.settings\.json, and no taskhub server/,
    );
  });
});
