// One conformance suite for the store port, run against each storage configuration.
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  CheckpointConflict,
  DomainError,
  eventRaised,
  orchestratorCompleted,
  orchestratorStarted,
  taskCompleted,
  taskScheduled,
  type HistoryEvent,
} from '../../src/domain/index.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import { decodeQueueText } from '../../src/storage/azure/envelope.js';
import { partitionOf } from '../../src/storage/azure/partitions.js';
import type { AzureTaskHubStore } from '../../src/storage/azure/index.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { testConfig } from '../helpers/stores.js';

const CONFIGS: { name: string; env: Record<string, string> }[] = [
  { name: 'utf8 queues, 4 partitions', env: {} },
  { name: 'base64 queues, 16 partitions', env: { TASKHUB_QUEUE_ENCODING: 'base64', TASKHUB_PARTITION_COUNT: '16' } },
];

const now = () => new Date().toISOString();

describe.each(CONFIGS)('the store ports on Azure Storage ($name)', ({ env }) => {
  let hub: string;
  let store: AzureTaskHubStore;
  const connectionString = azuriteConnectionString();

  beforeEach(async () => {
    hub = freshHubName('conf');
    const config = testConfig({ AzureWebJobsStorage: connectionString, TASKHUB_HUB_NAME: hub, ...env });
    store = createAzureStoreProvider(config).adapter('AzureWebJobsStorage', hub);
    await store.ensure();
  });

  const start = (instanceId: string, input: string | null = '{"a":1}') =>
    store.createInstance({
      instanceId,
      name: 'Orch',
      version: '',
      input,
      executionId: randomUUID().replace(/-/g, ''),
      dedupeStatuses: ACTIVE_STATUSES,
    });

  /** The first message on the instance's control queue that `matches` (by default: mentions the id). */
  async function peekControl(
    instanceId: string,
    matches = (message: Record<string, unknown>) => JSON.stringify(message).includes(JSON.stringify(instanceId)),
  ): Promise<Record<string, unknown>> {
    const partition = partitionOf(instanceId, await store.partitionCount());
    const queue = new QueueClient(connectionString, `${hub.toLowerCase()}-control-${String(partition).padStart(2, '0')}`);
    const peeked = await queue.peekMessages({ numberOfMessages: 32 });
    const texts = peeked.peekedMessageItems.map((m) => decodeQueueText(m.messageText));
    const match = texts.find(matches);
    if (!match) throw new Error(`no message for ${instanceId}`);
    return match;
  }

  it('exists after ensure, and not for another hub name', async () => {
    expect(await store.exists()).toBe(true);
    const other = createAzureStoreProvider(testConfig({ AzureWebJobsStorage: connectionString })).adapter(
      'AzureWebJobsStorage',
      freshHubName('none'),
    );
    expect(await other.exists()).toBe(false);
  });

  it('creates a Pending row and an ExecutionStarted envelope on the FNV-1a partition', async () => {
    await start('order #1/a');
    const row = await TableClient.fromConnectionString(connectionString, `${hub}Instances`, { allowInsecureConnection: true }).getEntity(
      'order ^21^0a',
      '',
    );
    expect(row.RuntimeStatus).toBe('Pending');
    expect(row.Name).toBe('Orch');
    expect(row.Input).toBe('{"a":1}');
    expect(row.TaskHubName).toBe(hub);
    const message = await peekControl('order #1/a');
    expect(Object.keys(message)[0]).toBe('$type');
    expect(message.$type).toBe('DurableTask.AzureStorage.MessageData');
    expect(message.Sender).toEqual({ InstanceId: '', ExecutionId: '' });
    const task = message.TaskMessage as Record<string, Record<string, unknown>>;
    expect(task.Event.$type).toBe('DurableTask.Core.History.ExecutionStartedEvent');
    expect(task.Event.EventType).toBe(0);
    expect(task.Event.Input).toBe('{"a":1}');
    expect(task.OrchestrationInstance.InstanceId).toBe('order #1/a');
    expect(task.OrchestrationInstance.ExecutionId).toBe(row.ExecutionId);
  });

  it('refuses to re-create an active instance and allows it once terminal', async () => {
    await start('dup');
    await expect(start('dup')).rejects.toMatchObject({ code: 'InstanceStateConflict' });
    const state = (await store.getInstance('dup'))!;
    await store.instances.update({ ...state, runtimeStatus: 'Completed', lastUpdatedTime: new Date(), output: '"done"' });
    await start('dup');
    const again = (await store.getInstance('dup'))!;
    expect(again.runtimeStatus).toBe('Pending');
    expect(again.generation).toBe(1);
  });

  it('stores a large input in a blob and reads it back', async () => {
    const big = JSON.stringify('x'.repeat(70_000));
    await start('big', big);
    const row = await TableClient.fromConnectionString(connectionString, `${hub}Instances`, { allowInsecureConnection: true }).getEntity(
      'big',
      '',
    );
    expect(String(row.Input)).toMatch(/^http:\/\/.*largemessages\/big\/message-[0-9a-f]{32}-ExecutionStarted\.json\.gz$/);
    expect((await store.getInstance('big'))!.input).toBe(big);
    // The queue message is too big as well: a wrapper naming a gzip blob that holds the real envelope.
    const wrapper = await peekControl('big', (m) => typeof m.CompressedBlobName === 'string' && m.CompressedBlobName.startsWith('big/'));
    expect(wrapper.TaskMessage).toBeNull();
    const blob = BlobServiceClient.fromConnectionString(connectionString)
      .getContainerClient(`${hub.toLowerCase()}-largemessages`)
      .getBlockBlobClient(String(wrapper.CompressedBlobName));
    const envelope = JSON.parse(gunzipSync(await blob.downloadToBuffer()).toString('utf8')) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(envelope.TaskMessage.Event.$type).toBe('DurableTask.Core.History.ExecutionStartedEvent');
    expect(envelope.TaskMessage.Event.Input).toBe(big);
    expect(envelope.TaskMessage.OrchestrationInstance.InstanceId).toBe('big');
  });

  it('queries by status, time window and id prefix, paging with tokens', async () => {
    for (const id of ['p-1', 'p-2', 'p-3', 'q-1', 'p^x']) await start(id);
    const all: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.listInstances({ instanceIdPrefix: 'p' }, { pageSize: 2, continuationToken: token });
      all.push(...page.items.map((s) => s.instanceId));
      token = page.continuationToken;
      pages++;
    } while (token);
    expect(all.sort()).toEqual(['p-1', 'p-2', 'p-3', 'p^x']);
    expect(pages).toBeGreaterThanOrEqual(2);
    const none = await store.listInstances({ runtimeStatus: ['Completed'] }, { pageSize: 100 });
    expect(none.items).toEqual([]);
    const future = await store.listInstances({ createdTimeFrom: new Date(Date.now() + 60_000) }, { pageSize: 100 });
    expect(future.items).toEqual([]);
    const noInput = await store.listInstances({ instanceIdPrefix: 'q', fetchInput: false }, { pageSize: 10 });
    expect(noInput.items[0].input).toBeNull();
    const view = await store.listInstances({ instanceIdPrefix: 'q', statusColumnsOnly: true }, { pageSize: 10 });
    expect(view.items[0]).toMatchObject({
      instanceId: 'q-1',
      name: 'Orch',
      runtimeStatus: 'Pending',
      input: '{"a":1}',
      customStatus: null,
    });
    expect(view.items[0].createdTime.getTime()).toBeGreaterThan(0);
    await expect(store.listInstances({}, { pageSize: 1, continuationToken: 'garbage' })).rejects.toBeInstanceOf(DomainError);
  });

  it('checkpoints history guarded by the sentinel ETag and reads it back in order', async () => {
    await start('h1');
    const { executionId } = (await store.getInstance('h1'))!;
    const events: HistoryEvent[] = [
      { EventType: 'OrchestratorStarted', EventId: -1, Timestamp: now() },
      {
        EventType: 'ExecutionStarted',
        EventId: -1,
        Timestamp: now(),
        Name: 'Orch',
        Input: '{"a":1}',
        OrchestrationInstance: { InstanceId: 'h1', ExecutionId: executionId },
      },
      { EventType: 'TaskScheduled', EventId: 0, Timestamp: now(), Name: 'Act', Input: JSON.stringify('y'.repeat(40_000)) },
    ];
    const etag = await store.history.checkpoint({ instanceId: 'h1', executionId, existingCount: 0, newEvents: events });
    await expect(store.history.checkpoint({ instanceId: 'h1', executionId, existingCount: 0, newEvents: events })).rejects.toBeInstanceOf(
      CheckpointConflict,
    );
    await store.history.checkpoint({
      instanceId: 'h1',
      executionId,
      existingCount: 3,
      sentinelETag: etag,
      newEvents: [{ EventType: 'TaskCompleted', EventId: -1, Timestamp: now(), TaskScheduledId: 0, Result: '"ok"' }],
    });
    await expect(
      store.history.checkpoint({ instanceId: 'h1', executionId, existingCount: 3, sentinelETag: etag, newEvents: [] }),
    ).rejects.toBeInstanceOf(CheckpointConflict);
    const history = await store.getHistory('h1');
    expect(history.executionId).toBe(executionId);
    expect(history.events.map((e) => e.EventType)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled', 'TaskCompleted']);
    expect(history.events[1].OrchestrationInstance).toEqual({ InstanceId: 'h1', ExecutionId: executionId });
    expect(history.events[2].Input).toBe(JSON.stringify('y'.repeat(40_000)));
    expect(history.events[3].TaskScheduledId).toBe(0);
    expect((await store.history.read('h1', 'other')).events).toEqual([]);
  });

  it('hands an instance its messages as one work item and commits what the worker decided', async () => {
    await start('m1');
    const partition = partitionOf('m1', await store.partitionCount());
    const fetch = (lockInMs = 30_000) => store.fetchOrchestrationWorkItems(partition, { maxMessages: 32, lockInMs });
    await store.sendEvent('m1', eventRaised('Go', '42'));
    const [item, ...others] = await fetch();
    expect(others).toEqual([]);
    expect(item.instanceId).toBe('m1');
    expect(item.messages.map((m) => m.event.EventType)).toEqual(['ExecutionStarted', 'EventRaised']);
    expect(item.messages[1].instance.ExecutionId).toBeNull();
    expect(item.history).toEqual([]);
    const { executionId } = item;
    const scheduled = taskScheduled(0, 'Act', '1');
    const newEvents = [orchestratorStarted(), ...item.messages.map((m) => m.event), scheduled, orchestratorCompleted()];
    await store.completeOrchestrationWorkItem(item, {
      activities: [scheduled],
      checkpoint: { executionId, newEvents },
      status: { instanceId: 'm1', executionId, name: 'Orch', version: '', runtimeStatus: 'Running', lastUpdatedTime: new Date() },
    });
    expect((await store.getInstance('m1'))!.runtimeStatus).toBe('Running');
    expect((await store.getHistory('m1')).events.map((e) => e.EventType)).toEqual(newEvents.map((e) => e.EventType));
    expect(await fetch(1000)).toEqual([]);

    const activity = (await store.fetchActivityWorkItem(30_000))!;
    expect(activity.event).toMatchObject({ EventType: 'TaskScheduled', EventId: 0, Name: 'Act' });
    expect(activity.instance).toEqual({ InstanceId: 'm1', ExecutionId: executionId });
    await store.renewActivityWorkItem(activity, 30_000);
    await store.completeActivityWorkItem(activity, taskCompleted(0, '"done"'));
    expect(await store.fetchActivityWorkItem(1000)).toBeUndefined();

    const [answer] = await fetch();
    expect(answer.messages.map((m) => m.event.EventType)).toEqual(['TaskCompleted']);
    expect(answer.history).toHaveLength(newEvents.length);
    // Another worker appends first: the commit conflicts, and the abandoned messages come back.
    const stored = await store.history.read('m1');
    await store.history.checkpoint({
      instanceId: 'm1',
      executionId,
      existingCount: newEvents.length,
      sentinelETag: stored.sentinelETag,
      newEvents: [orchestratorStarted()],
    });
    await expect(
      store.completeOrchestrationWorkItem(answer, { checkpoint: { executionId, newEvents: [orchestratorStarted()] } }),
    ).rejects.toBeInstanceOf(CheckpointConflict);
    await store.abandonOrchestrationWorkItem(answer, 0);
    const [replay] = await fetch();
    expect(replay.messages.map((m) => m.event.EventType)).toEqual(['TaskCompleted']);
    expect(replay.history).toHaveLength(newEvents.length + 1);
  });

  it('gives a partition to one owner at a time and to another after release', async () => {
    const a = await store.tryAcquireLease(0, 'worker-a', 60_000);
    expect(a).toBeDefined();
    expect(await store.tryAcquireLease(0, 'worker-b', 60_000)).toBeUndefined();
    const renewed = (await store.renewLease(a!, 60_000))!;
    expect(renewed.owner).toBe('worker-a');
    await store.releaseLease(renewed);
    expect(await store.tryAcquireLease(0, 'worker-b', 60_000)).toBeDefined();
  });

  it('purges one instance with its history and blobs, and by filter only terminal ones', async () => {
    await start('gone', JSON.stringify('z'.repeat(70_000)));
    const { executionId } = (await store.getInstance('gone'))!;
    await store.history.checkpoint({
      instanceId: 'gone',
      executionId,
      existingCount: 0,
      newEvents: [{ EventType: 'OrchestratorStarted', EventId: -1, Timestamp: now() }],
    });
    expect(await store.purgeInstance('gone')).toBe(1);
    expect(await store.getInstance('gone')).toBeUndefined();
    expect((await store.getHistory('gone')).events).toEqual([]);
    expect(await store.purgeInstance('gone')).toBe(0);

    const from = new Date(Date.now() - 60_000);
    for (const id of ['f1', 'f2', 'f3']) await start(id);
    for (const id of ['f1', 'f2']) {
      const s = (await store.getInstance(id))!;
      await store.instances.update({ ...s, runtimeStatus: 'Failed', lastUpdatedTime: new Date() });
    }
    let progress = 0;
    const deleted = await store.purgeInstances({ createdTimeFrom: from, runtimeStatus: ['Failed', 'Completed'] }, (n) => (progress = n));
    expect(deleted).toBe(2);
    expect(progress).toBe(2);
    expect((await store.getInstance('f3'))!.runtimeStatus).toBe('Pending');
    const f3 = (await store.getInstance('f3'))!;
    await store.instances.update({ ...f3, runtimeStatus: 'Terminated', lastUpdatedTime: new Date() });
    expect(await store.purgeInstances({ createdTimeFrom: from, runtimeStatus: ['Terminated'] })).toBe(1);
  });

  it('rewinds a failed instance by marking failure rows and poking it', async () => {
    await start('rw');
    const { executionId } = (await store.getInstance('rw'))!;
    await store.history.checkpoint({
      instanceId: 'rw',
      executionId,
      existingCount: 0,
      newEvents: [
        { EventType: 'ExecutionStarted', EventId: -1, Timestamp: now(), Name: 'Orch' },
        { EventType: 'TaskScheduled', EventId: 0, Timestamp: now(), Name: 'Act' },
        { EventType: 'TaskFailed', EventId: -1, Timestamp: now(), TaskScheduledId: 0, Reason: 'boom' },
        { EventType: 'ExecutionCompleted', EventId: -1, Timestamp: now(), OrchestrationStatus: 'Failed', Result: 'boom' },
      ],
    });
    const s = (await store.getInstance('rw'))!;
    await store.instances.update({ ...s, runtimeStatus: 'Failed', lastUpdatedTime: new Date() });
    await store.rewind('rw', 'fixed');
    const history = await store.getHistory('rw');
    expect(history.events.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'GenericEvent', 'GenericEvent', 'GenericEvent']);
    expect(history.events.slice(1).map((e) => e.Reason)).toEqual([
      'Rewound: TaskScheduled',
      'Rewound: TaskFailed',
      'Rewound: ExecutionCompleted',
    ]);
    expect((await store.getInstance('rw'))!.runtimeStatus).toBe('Pending');
    const poke = (await peekAll()).find((m) => JSON.stringify(m).includes('GenericEvent'));
    expect(poke).toBeDefined();
  });

  async function peekAll(): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let p = 0; p < (await store.partitionCount()); p++) {
      const queue = new QueueClient(connectionString, `${hub.toLowerCase()}-control-${String(p).padStart(2, '0')}`);
      const peeked = await queue.peekMessages({ numberOfMessages: 32 });
      out.push(...peeked.peekedMessageItems.map((m) => decodeQueueText(m.messageText)));
    }
    return out;
  }

  it('deletes the whole hub', async () => {
    await start('x');
    await store.deleteHub();
    expect(await store.exists()).toBe(false);
  });
});
