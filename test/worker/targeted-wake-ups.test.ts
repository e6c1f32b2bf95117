// An API operation in the worker's own process wakes only the loop of the partition its instance
// lands in: with 16 partitions, waking all of them for every start made each start cost a round of
// empty control-queue receives per partition (issue 14). The loops here back off for a minute, so
// any receive after the start is one the start or the instance's own work caused.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { createManagementService } from '../../src/services/management-service.js';
import { startWorker, type RunningWorker } from '../../src/worker/index.js';
import { hookProviderFetches } from '../helpers/fetch-hook.js';
import { freshHubName } from '../helpers/hub.js';
import { testStores } from '../helpers/stores.js';

const PARTITIONS = 4;
const hub = freshHubName('wake');
const { config, stores } = testStores({ TASKHUB_HUB_NAME: hub, TASKHUB_PARTITION_COUNT: String(PARTITIONS) });
const logger = pino({ level: 'silent' });
let worker: RunningWorker | undefined;

/** The partitions whose control queue the worker received from, in order. */
const received: number[] = [];
const recording = hookProviderFetches(stores, (partition, fetch) => {
  received.push(partition);
  return fetch();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await worker?.stop();
  await stores.close();
});

describe('wake-ups from API operations in the worker process', () => {
  it('wake only the partition of the instance they address', async () => {
    const events = new InstanceEvents();
    const management = stores.management(config.defaultConnection, hub);
    await management.ensure();
    worker = await startWorker({
      config,
      stores: recording,
      events,
      logger,
      tuning: { minPollIntervalInMs: 60_000, maxPollIntervalInMs: 60_000 },
    });
    // Each loop receives once at start-up, then sleeps for a minute unless woken.
    while (new Set(received).size < PARTITIONS) await sleep(50);
    received.length = 0;

    const service = createManagementService({ stores, config, events });
    const ref = { connection: config.defaultConnection, taskHub: hub };
    const { instanceId } = await service.start(ref, { name: 'E1_HelloSequence', instanceId: 'woken-alone' });
    let status = await management.getInstance(instanceId, { fetchInput: false });
    while (status?.runtimeStatus !== 'Completed') {
      await sleep(50);
      status = await management.getInstance(instanceId, { fetchInput: false });
    }

    const own = await stores.workItems(config.defaultConnection, hub).partitionOf(instanceId);
    expect(status.output).toBe(JSON.stringify(['Hello Tokyo!', 'Hello Seattle!', 'Hello London!']));
    expect(new Set(received)).toEqual(new Set([own]));
  });
});
