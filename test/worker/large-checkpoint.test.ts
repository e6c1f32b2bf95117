// An episode whose new history rows add up to more than Azure's 4 MiB batch limit checkpoints in
// several batches and the instance completes, against a table endpoint that enforces the limit
// (Azurite does not). Checkpoints split only by row count would send one 7 MB batch here, be
// refused with 413 RequestBodyTooLarge, and fail the instance.
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/registry.js';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';
import { azuriteConnectionStringVia, azuritePorts } from '../helpers/hub.js';
import { AZURE_BATCH_LIMIT_IN_BYTES, startBatchLimitProxy, type BatchLimitProxy } from '../storage/batch-limit-proxy.js';

type Gen = Generator<unknown, unknown, unknown>;
/** 29,000 euro signs: 58 KB as UTF-16, so the row keeps it (no blob offload), 87 KB on the wire. */
const LARGE = '\u20ac'.repeat(29_000);
const ACTIVITIES = 90;

let t: TestApp;
let proxy: BatchLimitProxy;

function registry(): Registry {
  const r = new Registry();
  r.activity('Length', (input) => (input as string).length);
  // One episode schedules all the activities: 90 TaskScheduled rows of 87 KB each, 7.8 MB in all.
  r.orchestration('FanOutLarge', function* (context: OrchestrationContext): Gen {
    const lengths = (yield context.df.Task.all(
      Array.from({ length: ACTIVITIES }, () => context.df.callActivity('Length', LARGE)),
    )) as number[];
    return lengths.reduce((sum, n) => sum + n, 0);
  });
  return r;
}

beforeAll(async () => {
  proxy = await startBatchLimitProxy({ host: '127.0.0.1', port: azuritePorts().table });
  const limited = azuriteConnectionStringVia({ table: proxy.port });
  t = await startTestApp({ hubPrefix: 'large', env: { AzureWebJobsStorage: limited }, worker: { registry: registry() } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await proxy?.close();
});

describe('an episode with more than 4 MiB of new history', () => {
  it('is checkpointed in batches under the limit and the instance completes', { timeout: 180_000 }, async () => {
    const id = `large-${Date.now()}`;
    expect((await t.call('POST', `${BASE}/orchestrators/FanOutLarge/${id}`)).statusCode).toBe(202);
    const done = await pollStatus(t, id, (s) => s.runtimeStatus !== 'Pending' && s.runtimeStatus !== 'Running', '', 150_000);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: ACTIVITIES * LARGE.length });
    const scheduled = (await t.store.getHistory(id)).events.filter((e) => e.EventType === 'TaskScheduled');
    expect(scheduled).toHaveLength(ACTIVITIES);
    expect(scheduled[ACTIVITIES - 1].Input).toBe(JSON.stringify(LARGE));
    // The rows went through the limit in several batches, none refused.
    const large = proxy.batchSizes.filter((size) => size > 1024 * 1024);
    expect(large.length).toBeGreaterThan(1);
    expect(Math.max(...proxy.batchSizes)).toBeLessThanOrEqual(AZURE_BATCH_LIMIT_IN_BYTES);
  });
});
