// A stop that arrives while the worker's loops are receiving must not wait out their idle back-off:
// the receives here are held until after stop() was called, and the loops back off for a minute.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { startWorker } from '../../src/worker/index.js';
import { hookProviderFetches } from '../helpers/fetch-hook.js';
import { freshHubName } from '../helpers/hub.js';
import { testStores } from '../helpers/stores.js';

const hub = freshHubName('stopmid');
const { config, stores } = testStores({ TASKHUB_HUB_NAME: hub, TASKHUB_PARTITION_COUNT: '2' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let held = 0;
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));
const holding = hookProviderFetches(stores, async (_partition, fetch) => {
  held++;
  await released;
  return fetch();
});

afterAll(async () => {
  release();
  await stores.close();
});

describe('stopping the worker', () => {
  it('returns promptly when the stop arrives while its loops are receiving', { timeout: 120_000 }, async () => {
    await stores.management(config.defaultConnection, hub).ensure();
    const worker = await startWorker({
      config,
      stores: holding,
      events: new InstanceEvents(),
      logger: pino({ level: 'silent' }),
      tuning: { minPollIntervalInMs: 60_000, maxPollIntervalInMs: 60_000 },
    });
    while (held < 2) await sleep(20);
    const stopping = worker.stop().then(() => 'stopped' as const);
    release();
    // Well under the minute a loop would sleep if it missed the stop.
    const outcome = await Promise.race([stopping, sleep(20_000).then(() => 'still sleeping' as const)]);
    expect(outcome).toBe('stopped');
  });
});
