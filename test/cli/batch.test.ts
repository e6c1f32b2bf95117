// `taskhub batch <operation>` straight to storage and over --url: a filter only counts until
// --confirm, outcomes per instance, a retry reports everything skipped.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peekControlMessages } from '../api/storage-peek.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub, direct, parseJson, runCli, setStateAsWorkerWould } from './cli-helpers.js';

const KEY = 'cli-batch-key-0123456789';
let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ hubPrefix: 'clibatch', keys: [KEY], listen: true });
});
afterAll(async () => {
  await server?.close();
});

interface Outcome {
  instanceId: string;
  outcome: string;
  reason?: string;
  newInstanceId?: string;
}

for (const transport of ['direct', 'http'] as const) {
  describe(`taskhub batch (${transport})`, () => {
    const hub = freshHubName('clib');
    const args = () =>
      transport === 'direct'
        ? direct(hub)
        : ['--url', server.url, '--key', KEY, '--task-hub-name', hub, '--connection-string-setting', 'AzureWebJobsStorage'];
    beforeAll(async () => {
      await createHub(hub);
    });

    it('counts a filter without --confirm, runs it with --confirm, and a retry skips every instance', async () => {
      for (const id of ['b1', 'b2', 'b3']) {
        expect((await runCli(['start-new', ...args(), '--function-name', 'Approve', '--id', id])).code).toBe(0);
        await setStateAsWorkerWould(hub, id, 'Running');
      }
      const filter = ['--runtime-status', 'Running', '--name', 'Appr*'];
      const counted = await runCli(['batch', 'terminate', ...args(), ...filter]);
      expect(counted.stderr).toBe('');
      expect(counted.stdout).toContain('3 instance(s) match. Add --confirm');

      const ran = await runCli(['batch', 'terminate', ...args(), ...filter, '--confirm', '--json', '--reason', 'ops']);
      expect(ran.code, ran.stderr).toBe(0);
      const result = parseJson(ran) as { total: number; done: number; outcomes: Outcome[] };
      expect(result).toMatchObject({ total: 3, done: 3, skipped: 0, failed: 0 });
      expect(result.outcomes.map((o) => o.instanceId).sort()).toEqual(['b1', 'b2', 'b3']);

      for (const id of ['b1', 'b2', 'b3']) await setStateAsWorkerWould(hub, id, 'Terminated');
      const retry = await runCli(['batch', 'terminate', ...args(), '--instance-ids', 'b1', 'b2,b3', '--json']);
      const again = parseJson(retry) as { skipped: number; outcomes: Outcome[] };
      expect(again.skipped).toBe(3);
      expect(again.outcomes.every((o) => o.reason === 'already Terminated')).toBe(true);
    });

    it('restarts under new IDs by default, and under the same IDs with --same-id (active ones skipped)', async () => {
      for (const id of ['r1', 'r2', 'r3']) {
        expect((await runCli(['start-new', ...args(), '--function-name', 'Again', '--id', id, '--input', '{"n":1}'])).code).toBe(0);
      }
      await setStateAsWorkerWould(hub, 'r1', 'Completed');
      await setStateAsWorkerWould(hub, 'r2', 'Failed');
      await setStateAsWorkerWould(hub, 'r3', 'Running');

      const fresh = parseJson<{ done: number; outcomes: Outcome[] }>(
        await runCli(['batch', 'restart', ...args(), '--instance-ids', 'r1', '--json']),
      );
      expect(fresh.done).toBe(1);
      const newId = fresh.outcomes[0].newInstanceId;
      expect(newId).toMatch(/^[0-9a-f]{32}$/);
      const restarted = parseJson<{ name: string; input: unknown }>(
        await runCli(['get-runtime-status', ...args(), '--id', newId!, '--show-input', '--json']),
      );
      expect(restarted).toMatchObject({ name: 'Again', input: { n: 1 } });

      const same = await runCli(['batch', 'restart', ...args(), '--instance-ids', 'r1,r2,r3', '--same-id', '--json']);
      expect(same.code, same.stderr).toBe(0);
      const result = parseJson<{ done: number; skipped: number; outcomes: Outcome[] }>(same);
      expect(result).toMatchObject({ done: 2, skipped: 1 });
      const byId = Object.fromEntries(result.outcomes.map((o) => [o.instanceId, o]));
      expect(byId.r1).toEqual({ instanceId: 'r1', outcome: 'done' });
      expect(byId.r2).toEqual({ instanceId: 'r2', outcome: 'done' });
      expect(byId.r3).toEqual({ instanceId: 'r3', outcome: 'skipped', reason: 'still Running' });
      for (const id of ['r1', 'r2']) {
        const status = parseJson<{ runtimeStatus: string }>(await runCli(['get-runtime-status', ...args(), '--id', id, '--json']));
        expect(status.runtimeStatus).toBe('Pending');
      }
    });

    it('raises an event with its data exactly as typed (no number rounded)', async () => {
      const data = '[12345678901234567890, 1.0]';
      expect((await runCli(['start-new', ...args(), '--function-name', 'Approve', '--id', 'e1'])).code).toBe(0);
      const ran = await runCli(['batch', 'raiseEvent', ...args(), '--instance-ids', 'e1', '--event-name', 'Go', '--event-data', data]);
      expect(ran.code, ran.stderr).toBe(0);
      const sent = (await peekControlMessages(hub)).map((m) => m.json.TaskMessage as { Event: { Name?: string; Input?: string } });
      expect(sent.find((m) => m.Event.Name === 'Go')?.Event.Input).toBe(data);
    });

    it('exits 1 and names the failures; usage errors exit 2', async () => {
      const failed = await runCli(['batch', 'suspend', ...args(), '--instance-ids', 'missing-1']);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('missing-1: failed');
      expect((await runCli(['batch', 'terminate', ...args()])).code).toBe(2);
      expect((await runCli(['batch', 'explode', ...args(), '--instance-ids', 'x'])).code).toBe(2);
      expect((await runCli(['batch', 'raiseEvent', ...args(), '--instance-ids', 'x'])).stderr).toContain('--event-name');
    });
  });
}
