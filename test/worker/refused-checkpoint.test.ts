// An episode whose history storage refuses for good (a row over the service's entity limit, a body
// over its batch limit) fails the instance with what storage said instead of retrying forever,
// while a transient failure (a reset connection) is still retried until the instance completes.
// The table endpoint is a proxy chain in front of Azurite: connection resets, then a row limit
// scaled down so that one history row that large-message offload keeps in the table exceeds it.
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/registry.js';
import { BASE, pollStatus, startTestApp, type TestApp } from '../helpers/app.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { azuriteConnectionStringVia, azuritePorts } from '../helpers/hub.js';
import { startRowLimitProxy, type RowLimitProxy } from './row-limit-proxy.js';

type Gen = Generator<unknown, unknown, unknown>;
/** 20,000 euro signs: 40 KB as UTF-16, under the 60 KiB offload threshold, so the row keeps it; 60 KB on the wire. */
const BIG = '\u20ac'.repeat(20_000);
const ROW_LIMIT_IN_BYTES = 48 * 1024;

let t: TestApp;
let rows: RowLimitProxy;
let faults: FaultProxy;

function registry(): Registry {
  const r = new Registry();
  r.activity('Echo', (input) => input);
  r.orchestration('Hello', function* (context: OrchestrationContext): Gen {
    const a = yield context.df.callActivity('Echo', 'one');
    const b = yield context.df.callActivity('Echo', 'two');
    return [a, b];
  });
  r.orchestration('SendsBig', function* (context: OrchestrationContext): Gen {
    return yield context.df.callActivity('Echo', BIG);
  });
  // 120 small activities fill the first batch of the checkpoint (99 rows), the big one is in the second.
  r.orchestration('ManyThenBig', function* (context: OrchestrationContext): Gen {
    const small = Array.from({ length: 120 }, (_, i) => context.df.callActivity('Echo', i));
    return yield context.df.Task.all([...small, context.df.callActivity('Echo', BIG)]);
  });
  return r;
}

beforeAll(async () => {
  rows = await startRowLimitProxy({ host: '127.0.0.1', port: azuritePorts().table }, ROW_LIMIT_IN_BYTES);
  faults = await startFaultProxy('127.0.0.1', rows.port);
  const limited = azuriteConnectionStringVia({ table: faults.port });
  t = await startTestApp({ hubPrefix: 'refuse', env: { AzureWebJobsStorage: limited }, worker: { registry: registry() } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  await faults?.close();
  await rows?.close();
});

async function start(name: string): Promise<string> {
  const id = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  expect((await t.call('POST', `${BASE}/orchestrators/${name}/${id}`)).statusCode).toBe(202);
  return id;
}

const refusalsOf = (id: string) => rows.refused.filter((body) => body.includes(id)).length;
interface Event {
  EventType: string;
  FailureDetails?: { ErrorType?: string; ErrorMessage?: string };
}

describe('a checkpoint storage refuses', () => {
  it('is retried after a reset connection until the instance completes', { timeout: 120_000 }, async () => {
    const id = await start('Hello');
    faults.arm({
      when: 'before',
      times: 2,
      matches: (method, path, body) => method === 'POST' && path.includes('$batch') && body.includes(id),
    });
    const done = await pollStatus(t, id, (s) => s.runtimeStatus === 'Completed', '', 90_000);
    expect(done.output).toEqual(['one', 'two']);
    expect(faults.failed().filter((f) => f.path.includes('$batch')).length).toBeGreaterThanOrEqual(2);
    expect(refusalsOf(id)).toBe(0);
  });

  it('fails the instance with the service answer when one history row is over the entity limit', { timeout: 120_000 }, async () => {
    rows.answer = { status: 400, code: 'EntityTooLarge' };
    const id = await start('SendsBig');
    const failed = await pollStatus(t, id, (s) => s.runtimeStatus === 'Failed', 'showHistory=true', 60_000);
    expect(String(failed.output)).toMatch(/^OrchestrationFailureException: Orchestrator function 'SendsBig' failed: /);
    expect(String(failed.output)).toContain('Azure Table storage refused the history rows (400 EntityTooLarge');
    expect(String(failed.output)).toContain('cannot be stored');
    const shown = failed.historyEvents as Event[];
    expect(shown.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'ExecutionCompleted']);
    expect(shown[1].FailureDetails?.ErrorMessage).toContain('EntityTooLarge');
    const stored = (await t.store.getHistory(id)).events.map((e) => e.EventType);
    expect(stored).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'ExecutionCompleted', 'OrchestratorCompleted']);
    expect(refusalsOf(id)).toBe(1);
    // Not retried: the activity's answer arrives at an ended instance, nothing is refused again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(refusalsOf(id)).toBe(1);
    expect((await pollStatus(t, id, () => true)).runtimeStatus).toBe('Failed');
  });

  it('keeps the batches stored before a 413 and appends the failure after them', { timeout: 120_000 }, async () => {
    rows.answer = { status: 413, code: 'RequestBodyTooLarge' };
    const id = await start('ManyThenBig');
    const failed = await pollStatus(t, id, (s) => s.runtimeStatus === 'Failed', 'showHistory=true', 60_000);
    expect(String(failed.output)).toContain('(413 RequestBodyTooLarge');
    expect((failed.historyEvents as Event[]).at(-1)?.EventType).toBe('ExecutionCompleted');
    const types = (await t.store.getHistory(id)).events.map((e) => e.EventType);
    // The first batch (99 rows: OrchestratorStarted, ExecutionStarted, 97 TaskScheduled) was stored.
    expect(types.slice(0, 2)).toEqual(['OrchestratorStarted', 'ExecutionStarted']);
    expect(types.filter((e) => e === 'TaskScheduled')).toHaveLength(97);
    expect(types.slice(-2)).toEqual(['ExecutionCompleted', 'OrchestratorCompleted']);
    expect(types).toHaveLength(101);
    expect(refusalsOf(id)).toBe(1);
  });
});
