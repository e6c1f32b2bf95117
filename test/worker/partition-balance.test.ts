// Two workers on one hub share the control-queue partitions; a stopped worker's partitions move over.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { startWorker, type RunningWorker } from '../../src/worker/index.js';
import { freshHubName } from '../helpers/hub.js';
import { testStores } from '../helpers/stores.js';

const hub = freshHubName('bal');
const { config, stores } = testStores({ TASKHUB_HUB_NAME: hub, TASKHUB_PARTITION_COUNT: '4' });
const store = stores.adapter(config.defaultConnection, hub);
const workers: RunningWorker[] = [];
const start = async () => {
  const w = await startWorker({
    config,
    stores,
    events: new InstanceEvents(),
    logger: pino({ level: 'silent' }),
    tuning: { leaseDurationInMs: 900 },
  });
  workers.push(w);
  return w;
};
const liveOwners = async () => {
  const now = Date.now();
  const counts = new Map<string, number>();
  for (const l of await store.listLeases()) if (l.owner && l.expiresAt.getTime() > now) counts.set(l.owner, (counts.get(l.owner) ?? 0) + 1);
  return [...counts.values()].sort();
};
/** Polls the lease table until the live owners hold `expected` partitions each. */
async function until(expected: number[], timeoutInMs = 15_000) {
  const deadline = Date.now() + timeoutInMs;
  let seen = await liveOwners();
  while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await liveOwners();
  }
  expect(seen).toEqual(expected);
}

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await stores.close();
});

describe('partition balancing', () => {
  it('splits 4 partitions 2/2 between two workers and gives them all back to one after a stop', async () => {
    const first = await start();
    await until([4]);
    await start();
    await until([2, 2]);
    await first.stop();
    await until([4]);
  });

  it('takes back a partition it handed to a worker that asked for it and died before claiming it', async () => {
    // The survivor of the test above holds all 4; a worker asks for one and is gone before it claims it.
    await store.requestLease(0, 'worker-that-died');
    // The owner hands partition 0 over at its next renewal...
    await until([3]);
    // ...and, the requester never coming, claims it again once the lease it released expires.
    await until([4]);
    const leases = await store.listLeases();
    expect(leases.find((l) => l.partition === 0)?.nextOwner).toBeUndefined();
  });
});
