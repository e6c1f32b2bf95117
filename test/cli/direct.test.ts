// The verbs straight against storage (the default transport), plus delete-task-hub.
import { describe, expect, it } from 'vitest';
import { freshHubName } from '../helpers/hub.js';
import { createHub, direct, parseJson, runCli, storeFor } from './cli-helpers.js';
import { defineVerbTests } from './verb-scenario.js';

defineVerbTests({ name: 'direct', args: direct });

describe('taskhub delete-task-hub (direct)', () => {
  it('deletes every table of the hub; afterwards the hub is reported missing', async () => {
    const hub = freshHubName('clidel');
    await createHub(hub);
    expect((await runCli(['start-new', '--function-name', 'Hello', ...direct(hub)])).code).toBe(0);
    const deleted = await runCli(['delete-task-hub', ...direct(hub), '--json']);
    expect(deleted.stderr).toBe('');
    expect(parseJson(deleted)).toEqual({ taskHub: hub, deleted: true });
    expect(await storeFor(hub).exists()).toBe(false);

    const after = await runCli(['get-instances', ...direct(hub)]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('TaskHubNotFound');
  });
});
