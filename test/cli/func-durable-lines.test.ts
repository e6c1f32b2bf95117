// The `func durable` lines of the Core Tools documentation run as printed (only the ids and hub
// names differ), straight against storage, from a Functions app folder: host.json names the hub and
// local.settings.json holds AzureWebJobsStorage, as in a project made by `func init`.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { queuedEvents, runCli, setStateAsWorkerWould, storeFor } from './cli-helpers.js';

let folder = '';
const hub = freshHubName('TestTaskHub');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'taskhub-lines-'));
  await writeFile(join(folder, 'input.json'), '{"name":"Tokyo","big":12345678901234567890}');
  await writeFile(join(folder, 'eventdata.json'), '{"approved":true}');
  const durableTask = { hubName: hub };
  await writeFile(join(folder, 'host.json'), JSON.stringify({ version: '2.0', extensions: { durableTask } }));
  const values = { AzureWebJobsStorage: azuriteConnectionString(), FUNCTIONS_WORKER_RUNTIME: 'node' };
  await writeFile(join(folder, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: values }));
});

const cli = async (line: string) => {
  // Split like a shell: double-quoted parts stay one argument.
  const args = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
  return runCli(args, {}, folder);
};

describe('func durable lines as printed', () => {
  it('start-new creates the missing hub, as Core Tools does', async () => {
    const res = await cli(`start-new --function-name HelloWorld --id line-1 --input @input.json --task-hub-name ${hub}`);
    expect([res.code, res.stderr]).toEqual([0, '']);
    const state = await storeFor(hub).getInstance('line-1', { fetchInput: true });
    expect(state?.input).toBe('{"name":"Tokyo","big":12345678901234567890}');
  });

  it('get-runtime-status takes explicit true/false values for its switches', async () => {
    const both = await cli('get-runtime-status --id line-1 --show-input true --show-output true');
    expect([both.code, both.stderr]).toEqual([0, '']);
    expect(both.stdout).toContain('12345678901234567890');
    const hidden = await cli('get-runtime-status --id line-1 --show-input false --show-output=false');
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).not.toContain('Tokyo');
    const bad = await cli('get-runtime-status --id line-1 --show-input=maybe');
    expect(bad.code).toBe(2);
  });

  it('the remaining lines run without a usage error', async () => {
    await setStateAsWorkerWould(hub, 'line-1', 'Running');
    // Core Tools reads the statuses as one value and splits it at spaces.
    const statuses = await cli('get-instances --runtime-status "running completed"');
    expect([statuses.code, statuses.stderr]).toEqual([0, '']);
    expect(statuses.stdout).toContain('line-1');
    const lines = [
      'get-history --id line-1',
      'get-instances --created-after 2021-03-10T13:57:31Z --created-before 2099-03-10T23:59Z --top 15',
      'raise-event --id line-1 --event-name MyEvent --event-data @eventdata.json',
      'terminate --id line-1 --reason "Found a bug in the orchestration"',
    ];
    for (const line of lines) {
      const res = await cli(line);
      expect([line, res.code, res.stderr]).toEqual([line, 0, '']);
    }
    await setStateAsWorkerWould(hub, 'line-1', 'Failed', 'boom');
    const rewind = await cli('rewind --id line-1 --reason "Orchestrator failed and needs to be revived."');
    expect([rewind.code, rewind.stderr]).toEqual([0, '']);
    const purge = await cli('purge-history --created-before 2021-11-14T19:35:00.0000000Z');
    expect(purge.code, purge.stderr).not.toBe(2);
    const other = freshHubName('UserTest');
    expect((await cli(`start-new --function-name HelloWorld --task-hub-name ${other}`)).code).toBe(0);
    const deleted = await cli(`delete-task-hub --task-hub-name ${other}`);
    expect([deleted.code, deleted.stderr]).toEqual([0, '']);
  });
});

describe('Core Tools defaults for what a line leaves out', () => {
  it('get-instances without --top prints a page of 10 (DurableGetInstances.cs); --all still lists every instance', async () => {
    const many = freshHubName('TopDefault');
    const ids = Array.from({ length: 12 }, (_, i) => `top-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      const started = await runCli(['start-new', '--function-name', 'HelloWorld', '--id', id, '--task-hub-name', many], {}, folder);
      expect([id, started.code, started.stderr]).toEqual([id, 0, '']);
    }
    const page = await runCli(['get-instances', '--task-hub-name', many, '--json'], {}, folder);
    const first = JSON.parse(page.stdout) as { instances: unknown[]; continuationToken?: string };
    expect(first.instances).toHaveLength(10);
    expect(first.continuationToken).toBeTruthy();
    const text = await runCli(['get-instances', '--task-hub-name', many], {}, folder);
    expect(text.stdout).toContain('More instances: --continuation-token');

    const all = await runCli(['get-instances', '--task-hub-name', many, '--all', '--json'], {}, folder);
    const every = JSON.parse(all.stdout) as { instances: { instanceId: string }[]; continuationToken?: string };
    expect(every.instances.map((i) => i.instanceId).sort()).toEqual(ids);
    expect(every.continuationToken).toBeUndefined();
  });
});

describe('raise-event without --event-name', () => {
  it('names the event Event_<32 hex digits> as Core Tools does (DurableRaiseEvent.cs), prints it and queues it under that name', async () => {
    const started = await cli('start-new --function-name HelloWorld --id unnamed-event');
    expect([started.code, started.stderr]).toEqual([0, '']);
    const raised = await cli('raise-event --id unnamed-event --event-data @eventdata.json');
    expect([raised.code, raised.stderr]).toEqual([0, '']);
    const name = /^Raised event '(Event_[0-9a-f]{32})' on instance 'unnamed-event'\.$/m.exec(raised.stdout)?.[1];
    expect(name, raised.stdout).toBeDefined();
    const again = JSON.parse((await cli('raise-event --id unnamed-event --json')).stdout) as { eventName: string };
    expect(again.eventName).toMatch(/^Event_[0-9a-f]{32}$/);
    expect(again.eventName).not.toBe(name);

    const events = (await queuedEvents(hub, 'unnamed-event')).filter((e) => e.EventType === 'EventRaised');
    expect(events.map((e) => (e as { Name?: string }).Name).sort()).toEqual([name, again.eventName].sort());
    const empty = await cli('raise-event --id unnamed-event --event-name ""');
    expect([empty.code, empty.stderr]).toEqual([2, 'taskhub raise-event: --event-name must not be empty.\n']);
  });
});
