// The history a worker keeps between episodes is trusted only until someone else writes: two
// workers with their own caches take turns on one instance (as when a partition moves to another
// worker and back), and the one whose cached history went stale finds out at its guarded
// checkpoint, drops it, replays from storage and still ends with the right output.
import type { OrchestrationContext } from 'durable-functions';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventRaised } from '../../src/domain/index.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { OrchestrationDispatcher } from '../../src/worker/orchestration-dispatcher.js';
import { Registry } from '../../src/worker/registry.js';
import { hookFetches } from '../helpers/fetch-hook.js';
import { freshHubName } from '../helpers/hub.js';
import { testStores, type TestStores } from '../helpers/stores.js';

type Gen = Generator<unknown, unknown, unknown>;

function registry(): Registry {
  const r = new Registry();
  r.orchestration('Collect', function* (context: OrchestrationContext): Gen {
    const got: unknown[] = [];
    for (let i = 0; i < 3; i++) got.push(yield context.df.waitForExternalEvent('item'));
    return got;
  });
  return r;
}

interface Worker {
  dispatcher: OrchestrationDispatcher;
  /** Work items it fetched, in order: whether each history came from its cache. */
  fetched: { instanceId: string; fromCache: boolean; events: number }[];
  logs: () => string;
}

const providers: TestStores['stores'][] = [];

/** A worker with its own store (and so its own cache), on one hub; the fetches it makes are recorded. */
function worker(hub: string): Worker {
  const provider = testStores({ TASKHUB_HUB_NAME: hub, TASKHUB_PARTITION_COUNT: '1' }).stores;
  providers.push(provider);
  const inner = provider.workItems('AzureWebJobsStorage', hub);
  const fetched: Worker['fetched'] = [];
  const store = hookFetches(inner, async (_partition, fetch) => {
    const items = await fetch();
    for (const item of items)
      fetched.push({ instanceId: item.instanceId, fromCache: item.fromCache === true, events: item.history.length });
    return items;
  });
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const dispatcher = new OrchestrationDispatcher(store, registry(), new InstanceEvents(), pino({ level: 'debug' }, sink), {
    controlVisibilityInMs: 5000,
    batchSize: 32,
  });
  return { dispatcher, fetched, logs: () => logged };
}

/** Polls the (only) partition until the worker has run an episode of the instance. */
async function runEpisode(w: Worker, instanceId: string): Promise<void> {
  const before = w.fetched.filter((f) => f.instanceId === instanceId).length;
  const deadline = Date.now() + 20_000;
  while (w.fetched.filter((f) => f.instanceId === instanceId).length === before) {
    if (Date.now() > deadline) throw new Error(`no episode of ${instanceId}`);
    if ((await w.dispatcher.pollOnce(0)) === 0) await new Promise((r) => setTimeout(r, 50));
  }
}

let hub: string;
beforeAll(async () => {
  hub = freshHubName('cache');
  const { stores } = testStores({ TASKHUB_PARTITION_COUNT: '1' });
  await stores.adapter('AzureWebJobsStorage', hub).ensure();
  await stores.close();
});
afterAll(async () => {
  await Promise.all(providers.map((p) => p.close()));
});

describe('the history cache', () => {
  it('finds a history another worker advanced, replays it from storage and completes correctly', { timeout: 120_000 }, async () => {
    const a = worker(hub);
    const b = worker(hub);
    const client = providers[0].adapter('AzureWebJobsStorage', hub);
    const id = 'collect-1';
    await client.createInstance({ instanceId: id, name: 'Collect', version: '', input: null, executionId: 'exec-1', dedupeStatuses: [] });
    await runEpisode(a, id); // A starts it and keeps its history

    await client.sendEvent(id, eventRaised('item', '"one"'));
    await runEpisode(b, id); // B (no cache) reads from storage and appends the first item
    expect(b.fetched.at(-1)).toMatchObject({ fromCache: false });

    await client.sendEvent(id, eventRaised('item', '"two"'));
    await runEpisode(a, id); // A's cached history lacks B's episode: its checkpoint is refused
    expect(a.fetched.at(-1)).toMatchObject({ fromCache: true });
    expect(a.logs()).toContain('checkpoint conflict; retrying the episode');
    await runEpisode(a, id); // redelivered: read from storage this time
    expect(a.fetched.at(-1)).toMatchObject({ fromCache: false });

    await client.sendEvent(id, eventRaised('item', '"three"'));
    await runEpisode(a, id); // A's own last commit: served from its cache
    expect(a.fetched.at(-1)).toMatchObject({ fromCache: true });

    const status = await client.getInstance(id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: JSON.stringify(['one', 'two', 'three']) });
    const history = (await client.getHistory(id)).events.map((e) => e.EventType);
    expect(history.filter((t) => t === 'EventRaised')).toHaveLength(3);
    expect(history.filter((t) => t === 'ExecutionCompleted')).toHaveLength(1);
  });
});
