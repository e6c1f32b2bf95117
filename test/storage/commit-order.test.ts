// The adapter owns an episode's commit order (the worker hands it one commit): outgoing messages
// are sent, then the history is checkpointed, then the status row written, then the work item's
// messages deleted. So a crash anywhere leaves a state the next delivery repairs: nothing deleted
// before it is recorded, no row ahead of its history. Seen from proxies in front of Azurite's
// table and queue endpoints, which number every request in the order it arrives.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  eventRaised,
  orchestratorCompleted,
  orchestratorStarted,
  taskScheduled,
  timerFired,
} from '../../src/domain/index.js';
import { partitionOf } from '../../src/storage/azure/partitions.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { azuriteConnectionString, azuritePorts, freshHubName } from '../helpers/hub.js';
import { testStores, type TestStore, type TestStores } from '../helpers/stores.js';

let tables: FaultProxy;
let queues: FaultProxy;
let stores: TestStores['stores'];
let store: TestStore;
const hub = freshHubName('order');

beforeAll(async () => {
  tables = await startFaultProxy('127.0.0.1', azuritePorts().table);
  queues = await startFaultProxy('127.0.0.1', azuritePorts().queue);
  ({ stores } = testStores({ AzureWebJobsStorage: queues.route(tables.route(azuriteConnectionString())) }));
  store = stores.adapter('AzureWebJobsStorage', hub);
  await store.ensure();
});
afterAll(async () => {
  await stores?.close();
  await tables?.close();
  await queues?.close();
});

type Step = 'send' | 'checkpoint' | 'status' | 'delete';

/** What each request after `after` did, in arrival order; consecutive repeats shown once. */
function steps(after: number): Step[] {
  const lower = hub.toLowerCase();
  const requests = [...tables.received(), ...queues.received()].filter((r) => r.at > after).sort((a, b) => a.at - b.at);
  const kinds = requests.map(({ method, path }): Step | undefined => {
    if (method === 'POST' && path.includes(`/${lower}-`) && /\/messages(\?|$)/.test(path)) return 'send';
    if (method === 'DELETE' && path.includes(`/${lower}-control-`)) return 'delete';
    if (path.includes('$batch')) return 'checkpoint';
    if (path.includes(`/${hub}Instances(`) && method !== 'GET') return 'status';
    return undefined;
  });
  return kinds.filter((k): k is Step => k !== undefined).filter((k, i, all) => i === 0 || all[i - 1] !== k);
}

describe('completing an orchestration work item', () => {
  it('sends, then checkpoints, then writes the status row, then deletes the messages', async () => {
    const instanceId = 'ordered-1';
    const executionId = randomUUID().replace(/-/g, '');
    await store.createInstance({ instanceId, name: 'Orch', version: '', input: null, executionId, dedupeStatuses: ACTIVE_STATUSES });
    await store.sendEvent(instanceId, eventRaised('Go', '1'));
    const partition = partitionOf(instanceId, await store.partitionCount());
    const [item] = await store.fetchOrchestrationWorkItems(partition, { maxMessages: 32, lockInMs: 30_000 });
    expect(item.messages.map((m) => m.event.EventType)).toEqual(['ExecutionStarted', 'EventRaised']);

    const scheduled = taskScheduled(0, 'Act', '1');
    const fireAt = new Date(Date.now() + 60_000).toISOString();
    const mark = Math.max(0, ...[...tables.received(), ...queues.received()].map((r) => r.at));
    await store.completeOrchestrationWorkItem(item, {
      activities: [scheduled],
      messages: [{ instance: { InstanceId: instanceId, ExecutionId: executionId }, event: timerFired(1, fireAt), delayInMs: 60_000 }],
      checkpoint: {
        executionId,
        newEvents: [orchestratorStarted(), ...item.messages.map((m) => m.event), scheduled, orchestratorCompleted()],
      },
      status: { instanceId, executionId, name: 'Orch', version: '', runtimeStatus: 'Running', lastUpdatedTime: new Date() },
    });

    expect(steps(mark)).toEqual(['send', 'checkpoint', 'status', 'delete']);
    expect((await store.getInstance(instanceId))?.runtimeStatus).toBe('Running');
    expect((await store.getHistory(instanceId)).events.map((e) => e.EventType)).toEqual([
      'OrchestratorStarted',
      'ExecutionStarted',
      'EventRaised',
      'TaskScheduled',
      'OrchestratorCompleted',
    ]);
  });

  it('leaves the status row and the messages alone when the checkpoint fails', async () => {
    const instanceId = 'ordered-2';
    const executionId = randomUUID().replace(/-/g, '');
    await store.createInstance({ instanceId, name: 'Orch', version: '', input: null, executionId, dedupeStatuses: ACTIVE_STATUSES });
    const partition = partitionOf(instanceId, await store.partitionCount());
    const [item] = await store.fetchOrchestrationWorkItems(partition, { maxMessages: 32, lockInMs: 30_000 });
    const scheduled = taskScheduled(0, 'Act', '1');
    let failing = true;
    tables.arm({
      when: 'before',
      times: 1_000,
      matches: (_method, path, body) => failing && path.includes('$batch') && body.includes(instanceId),
    });
    const mark = Math.max(0, ...[...tables.received(), ...queues.received()].map((r) => r.at));
    const commit = store.completeOrchestrationWorkItem(item, {
      activities: [scheduled],
      checkpoint: {
        executionId,
        newEvents: [orchestratorStarted(), ...item.messages.map((m) => m.event), scheduled, orchestratorCompleted()],
      },
      status: { instanceId, executionId, name: 'Orch', version: '', runtimeStatus: 'Running', lastUpdatedTime: new Date() },
    });
    await expect(commit).rejects.toThrow();
    failing = false;

    expect(steps(mark)).toEqual(['send', 'checkpoint']);
    expect((await store.getInstance(instanceId))?.runtimeStatus).toBe('Pending');
    expect((await store.getHistory(instanceId)).events).toEqual([]);
    // Abandoned, the start message comes back for another try.
    await store.abandonOrchestrationWorkItem(item, 0);
    const [again] = await store.fetchOrchestrationWorkItems(partition, { maxMessages: 32, lockInMs: 30_000 });
    expect(again.messages.map((m) => m.event.EventType)).toEqual(['ExecutionStarted']);
  });
});
