// The entity verbs, straight to storage and through a running server: read, signal, list, clean.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { freshHubName } from '../helpers/hub.js';
import { createHub, direct, parseJson, queuedEventTypes, runCli, storeFor } from './cli-helpers.js';

const KEY = 'cli-entity-key-0123456789';
let server: TestApp;

beforeAll(async () => {
  server = await startTestApp({ hubPrefix: 'clients', keys: [KEY], listen: true });
});
afterAll(async () => server?.close());

async function writeEntity(hub: string, instanceId: string, input: string, customStatus: string) {
  await storeFor(hub).instances.update({
    instanceId,
    executionId: 'e1',
    name: instanceId,
    version: '',
    runtimeStatus: 'Running',
    input,
    customStatus,
    createdTime: new Date('2026-01-02T03:04:05.5Z'),
    lastUpdatedTime: new Date(),
  });
}

for (const transport of ['direct', 'http'] as const) {
  describe(`entity verbs (${transport})`, () => {
    const hub = freshHubName(`clie${transport}`);
    const args = () => (transport === 'direct' ? direct(hub) : ['--url', server.url, '--key', KEY, '--task-hub-name', hub]);
    beforeAll(async () => {
      await createHub(hub);
      await writeEntity(hub, '@counter@one', '{"exists":true,"state":"12345678901234567890","sorter":{}}', '{"entityExists":true}');
      await writeEntity(hub, '@counter@gone', '{"sorter":{}}', '{}');
    });

    it('get-entity prints the state verbatim; a missing entity exits 1', async () => {
      const got = await runCli(['get-entity', ...args(), '--entity-name', 'Counter', '--entity-key', 'one']);
      expect([got.code, got.stdout.trim()]).toEqual([0, '12345678901234567890']);
      const missing = await runCli(['get-entity', ...args(), '--entity-name', 'counter', '--entity-key', 'gone']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('EntityNotFound');
    });

    it('signal-entity queues the operation for the entity', async () => {
      const sent = await runCli([
        'signal-entity',
        ...args(),
        '--entity-name',
        'Counter',
        '--entity-key',
        'two',
        '--operation',
        'add',
        '--input',
        '5',
        '--json',
      ]);
      expect(parseJson(sent)).toEqual({ entityId: { name: 'counter', key: 'two' }, operation: 'add', requested: 'signal-entity' });
      expect(await queuedEventTypes(hub, '@counter@two')).toEqual(['EventRaised']);
      const bad = await runCli([
        'signal-entity',
        ...args(),
        '--entity-name',
        'counter',
        '--entity-key',
        'two',
        '--operation',
        'add',
        '--input',
        '{nope',
      ]);
      expect(bad.code).not.toBe(0);
    });

    it('list-entities shows existing entities, with state on request', async () => {
      const listed = parseJson<{ entities: unknown[] }>(await runCli(['list-entities', ...args(), '--fetch-state', '--json']));
      expect(listed.entities).toEqual([
        { entityId: { name: 'counter', key: 'one' }, lastOperationTime: '2026-01-02T03:04:05.5Z', state: expect.anything() },
      ]);
      const text = await runCli(['list-entities', ...args(), '--entity-name', 'counter']);
      expect(text.stdout).toMatch(/^NAME\s+KEY\s+LAST OPERATION\ncounter\s+one\s+2026-01-02T03:04:05.5Z\n$/);
    });

    it('clean-entity-storage removes deleted entities and reports the counts', async () => {
      const cleaned = parseJson(await runCli(['clean-entity-storage', ...args(), '--json']));
      expect(cleaned).toEqual({ numberOfEmptyEntitiesRemoved: 1, numberOfOrphanedLocksRemoved: 0 });
      expect(await storeFor(hub).getInstance('@counter@gone')).toBeUndefined();
      const again = await runCli(['clean-entity-storage', ...args(), '--remove-empty-entities']);
      expect(again.stdout.trim()).toBe('Removed 0 empty entities; released 0 orphaned locks.');
    });
  });
}
