// `taskhub batch <operation>` straight to storage and over --url: a filter only counts until
// --confirm, outcomes per instance, a retry reports everything skipped.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
