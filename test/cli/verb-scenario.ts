// Every verb, run through the real executable, with the same expectations for both transports:
// the direct one (storage) and the http one (a running server).

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StatusObject } from '../../src/services/contract.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub, parseJson, queuedEventTypes, runCli, setStateAsWorkerWould, storeFor } from './cli-helpers.js';

export interface TransportUnderTest {
  name: string;
  /** Arguments selecting the transport and the hub. */
  args(hub: string): string[];
  env?: Record<string, string>;
}

const ONE_LINE = /^taskhub [a-z-]+: [^\n]+\n$/;

export function defineVerbTests(transport: TransportUnderTest): void {
  describe(`taskhub verbs (${transport.name})`, () => {
    const hub = freshHubName('cli');
    const dir = mkdtempSync(join(tmpdir(), 'taskhub-cli-'));
    const startedBefore = new Date(Date.now() - 60_000);
    const cli = (verb: string, ...args: string[]) => runCli([verb, ...transport.args(hub), ...args], transport.env);

    beforeAll(async () => {
      await createHub(hub);
    });

    it('start-new takes input from a file and prints the id as JSON; get-runtime-status shows it', async () => {
      const inputFile = join(dir, 'input.json');
      writeFileSync(inputFile, JSON.stringify({ city: 'Tokyo', n: 1 }));
      expect(
        parseJson(await cli('start-new', '--function-name', 'Hello', '--id', 'pending-1', '--input', `@${inputFile}`, '--json')),
      ).toEqual({
        instanceId: 'pending-1',
      });
      const status = parseJson<StatusObject>(await cli('get-runtime-status', '--id', 'pending-1', '--show-input', '--json'));
      expect(status).toMatchObject({
        name: 'Hello',
        instanceId: 'pending-1',
        runtimeStatus: 'Pending',
        input: { city: 'Tokyo', n: 1 },
        output: null,
      });
      expect((await storeFor(hub).getInstance('pending-1'))?.input).toBe('{"city":"Tokyo","n":1}');

      const human = await cli('get-runtime-status', '--id', 'pending-1');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^Runtime status: +Pending$/m);
      expect(human.stdout).not.toMatch(/^Input:/m);
    });

    it('start-new without --id prints a new id; several instances are then listed page by page', async () => {
      const started = await cli('start-new', '--function-name', 'Other', '--input', '"plain"');
      expect(started.code).toBe(0);
      const id = /as instance '([^']+)'/.exec(started.stdout)?.[1];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const starts = await Promise.all(
        ['done-1', 'failed-1', 'done-2'].map((extra) => cli('start-new', '--function-name', 'Hello', '--id', extra)),
      );
      expect(starts.map((r) => r.code)).toEqual([0, 0, 0]);
      await setStateAsWorkerWould(hub, 'done-1', 'Completed', { greeting: 'Hello Tokyo!' });
      await setStateAsWorkerWould(hub, 'done-2', 'Completed', 'second');
      await setStateAsWorkerWould(hub, 'failed-1', 'Failed', 'boom');

      const first = parseJson<{ instances: StatusObject[]; continuationToken?: string }>(
        await cli('get-instances', '--top', '2', '--json'),
      );
      expect(first.instances.length).toBeLessThanOrEqual(2);
      expect(first.continuationToken).toBeTruthy();
      const rest = parseJson<{ instances: StatusObject[] }>(
        await cli('get-instances', '--top', '1000', '--continuation-token', first.continuationToken ?? '', '--json'),
      );
      const ids = [...first.instances, ...rest.instances].map((s) => s.instanceId).sort();
      expect(ids).toEqual(['done-1', 'done-2', 'failed-1', id, 'pending-1'].sort());

      const all = await cli('get-instances', '--all', '--top', '2', '--runtime-status', 'completed', 'FAILED', '--json');
      expect(all.stderr).toBe(''); // piped: no progress bar
      expect(
        parseJson<{ instances: StatusObject[] }>(all)
          .instances.map((s) => s.instanceId)
          .sort(),
      ).toEqual(['done-1', 'done-2', 'failed-1']);

      const table = await cli('get-instances', '--runtime-status', 'Pending,Running', '--created-after', startedBefore.toISOString());
      expect(table.stdout.split('\n')[0]).toMatch(/^INSTANCE ID +NAME +STATUS +CREATED +LAST UPDATED$/);
      expect(table.stdout).toMatch(/^pending-1 +Hello +Pending +\d{4}-/m);
      expect(table.stdout).not.toContain('done-1');
    });

    it('get-history lists events by type name, with outputs; get-runtime-status --show-output shows the output', async () => {
      const events = parseJson<Record<string, unknown>[]>(await cli('get-history', '--id', 'done-1', '--json'));
      expect(events.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'ExecutionCompleted']);
      expect(events[1]).toMatchObject({ OrchestrationStatus: 'Completed', Result: { greeting: 'Hello Tokyo!' } });
      const human = await cli('get-history', '--id', 'done-1');
      expect(human.stdout).toMatch(/^TIMESTAMP +EVENT TYPE +NAME/);
      expect(human.stdout).toMatch(/ExecutionStarted +Hello\b/);
      expect(human.stdout).toMatch(/ExecutionCompleted .*Hello Tokyo!/);

      const status = parseJson<StatusObject>(await cli('get-runtime-status', '--id', 'done-1', '--show-output', '--json'));
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { greeting: 'Hello Tokyo!' }, input: null });
    });

    it('raise-event, terminate and suspend queue client events; finished instances answer gone', async () => {
      expect((await cli('raise-event', '--id', 'pending-1', '--event-name', 'Approval', '--event-data', '{"ok":true}')).code).toBe(0);
      const terminated = await cli('terminate', '--id', 'pending-1', '--reason', 'no longer needed', '--json');
      expect(parseJson(terminated)).toEqual({ instanceId: 'pending-1', requested: 'terminate' });
      expect((await cli('suspend', '--id', 'pending-1', '--reason', 'pause')).stdout).toBe("Requested suspend of instance 'pending-1'.\n");
      expect(await queuedEventTypes(hub, 'pending-1')).toEqual(
        expect.arrayContaining(['EventRaised', 'ExecutionStarted', 'ExecutionSuspended', 'ExecutionTerminated']),
      );

      const gone = await cli('terminate', '--id', 'done-1');
      expect(gone.code).toBe(1);
      expect(gone.stdout).toBe('');
      expect(gone.stderr).toMatch(ONE_LINE);
      expect(gone.stderr).toContain('InstanceGone');
    });

    it('resume needs a suspended instance; rewind needs a failed one', async () => {
      const conflict = await cli('resume', '--id', 'pending-1');
      expect([conflict.code, conflict.stderr]).toEqual([1, expect.stringContaining('InstanceStateConflict')]);
      await setStateAsWorkerWould(hub, 'pending-1', 'Suspended');
      expect((await cli('resume', '--id', 'pending-1', '--reason', 'go on')).code).toBe(0);

      const notFailed = await cli('rewind', '--id', 'done-1');
      expect([notFailed.code, notFailed.stderr]).toEqual([1, expect.stringContaining('InstanceNotFailed')]);
      expect((await cli('rewind', '--id', 'failed-1', '--reason', 'fixed')).code).toBe(0);
      expect((await storeFor(hub).getInstance('failed-1'))?.runtimeStatus).toBe('Pending');
    });

    it('wait reports Completed (exit 0), a timeout (exit 1) and unknown ids (exit 1)', async () => {
      const done = await cli('wait', '--id', 'done-2', '--timeout', '5', '--json');
      expect(parseJson<StatusObject>(done)).toMatchObject({ instanceId: 'done-2', runtimeStatus: 'Completed', output: 'second' });
      const running = await cli('wait', '--id', 'pending-1', '--timeout', '0.5', '--retry-interval', '0.2');
      expect(running.code).toBe(1);
      expect(running.stdout).toMatch(/^Runtime status: +Suspended$/m); // no worker here to resume it
      expect(running.stderr).toMatch(/did not finish within 0.5 s \(still Suspended\)/);
      const unknown = await cli('get-runtime-status', '--id', 'no-such-instance');
      expect([unknown.code, unknown.stdout]).toEqual([1, '']);
      expect(unknown.stderr).toMatch(ONE_LINE);
      expect(unknown.stderr).toContain("No instance with ID 'no-such-instance'");
    });

    it('restart starts a finished instance again, under a new id or the same one', async () => {
      const fresh = parseJson<{ instanceId: string }>(await cli('restart', '--id', 'done-2', '--json'));
      expect(fresh.instanceId).not.toBe('done-2');
      expect((await storeFor(hub).getInstance(fresh.instanceId))?.name).toBe('Hello');
      expect(parseJson(await cli('restart', '--id', 'done-1', '--same-id', '--json'))).toEqual({ instanceId: 'done-1' });
      expect((await storeFor(hub).getInstance('done-1'))?.runtimeStatus).toBe('Pending');
    });

    it('purge deletes one instance; purge-history deletes finished ones in the window', async () => {
      expect(parseJson(await cli('purge', '--id', 'pending-1', '--json'))).toEqual({ instancesDeleted: 1 });
      expect(await storeFor(hub).getInstance('pending-1')).toBeUndefined();
      const again = await cli('purge', '--id', 'pending-1');
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('InstanceNotFound')]);

      await Promise.all(
        ['old-1', 'old-2'].map(async (id) => {
          expect((await cli('start-new', '--function-name', 'Hello', '--id', id)).code).toBe(0);
          await setStateAsWorkerWould(hub, id, 'Terminated');
        }),
      );
      const purged = await cli('purge-history', '--created-after', startedBefore.toISOString(), '--runtime-status', 'Terminated', '--json');
      expect(purged.stderr).toBe(''); // piped: no progress bar
      expect(parseJson(purged)).toEqual({ instancesDeleted: 2 });
      expect(await storeFor(hub).getInstance('old-1')).toBeUndefined();
      expect(await storeFor(hub).getInstance('done-1')).toBeDefined();

      const nothing = await cli('purge-history', '--runtime-status', 'Terminated');
      expect(nothing.code).toBe(0);
      expect(nothing.stdout).toMatch(/^Purged 0 instance\(s\) in [\d.]+ s \(0 instances\/s\)\.$/m);
    });
  });
}
