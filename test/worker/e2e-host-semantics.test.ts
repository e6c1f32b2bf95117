// The worker enforces what the Durable Functions host enforces, end to end through the HTTP API:
// non-deterministic replays fail the instance, limits fail it instead of leaving it stuck, and
// continue-as-new has no cap on generations.
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/worker/registry.js';
import { BASE, KEY, pollStatus, startHarness, type Harness } from './harness.js';

type Gen = Generator<unknown, unknown, unknown>;

function buildRegistry(): Registry {
  const registry = new Registry();
  registry.activity('A', () => 'from A');
  registry.activity('B', () => 'from B');
  registry.orchestration('Echo', function* (context: OrchestrationContext): Gen {
    yield* [];
    return context.df.getInput();
  });
  // The first run schedules A; every replay takes the other branch, as if the code had been
  // changed and redeployed while the instance waited for A.
  registry.orchestration('RenamesActivity', function* (context: OrchestrationContext): Gen {
    return { r1: yield context.df.callActivity(context.df.isReplaying ? 'B' : 'A') };
  });
  registry.orchestration('ActivityBecomesTimer', function* (context: OrchestrationContext): Gen {
    if (context.df.isReplaying) yield context.df.createTimer(context.df.currentUtcDateTime);
    else yield context.df.callActivity('A');
    return 'done';
  });
  registry.orchestration('ActivityBecomesChild', function* (context: OrchestrationContext): Gen {
    return yield context.df.isReplaying ? context.df.callSubOrchestrator('Echo', 'child') : context.df.callActivity('A');
  });
  registry.orchestration('BigStatus', function* (context: OrchestrationContext): Gen {
    context.df.setCustomStatus('x'.repeat(Number(context.df.getInput())));
    return yield context.df.callActivity('A');
  });
  registry.orchestration('Generations', function* (context: OrchestrationContext): Gen {
    yield* [];
    const { n, until } = context.df.getInput() as { n: number; until: number };
    if (n < until) context.df.continueAsNew({ n: n + 1, until });
    return n;
  });
  const thrown: Record<string, unknown> = { object: { code: 42, reason: 'quota' }, string: 'plain words', number: 7 };
  registry.activity('Throws', (kind) => {
    throw thrown[String(kind)];
  });
  registry.orchestration('CatchesActivity', function* (context: OrchestrationContext): Gen {
    try {
      return yield context.df.callActivity('Throws', context.df.getInput());
    } catch (error) {
      return (error as Error).message;
    }
  });
  registry.orchestration('FailsOnActivity', function* (context: OrchestrationContext): Gen {
    return yield context.df.callActivity('Throws', context.df.getInput());
  });
  return registry;
}

let h: Harness;
beforeAll(async () => {
  // The non-determinism cases stand for code redeployed while an instance waits: a new process,
  // which replays from the history. Within one process the worker would continue the run it kept
  // suspended instead (replaySessions), so these replays are asked for explicitly.
  h = await startHarness({ registry: buildRegistry(), tuning: { replaySessions: false } });
});
afterAll(async () => {
  await h?.close();
});

async function start(name: string, input?: unknown): Promise<string> {
  const req = h.http().post(`${BASE}/orchestrators/${name}?code=${KEY}`);
  const res = input === undefined ? await req : await req.set('Content-Type', 'application/json').send(JSON.stringify(input));
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const finished = (s: Record<string, unknown>) => ['Completed', 'Failed', 'Terminated'].includes(String(s.runtimeStatus));

describe('non-deterministic replays', () => {
  it.each([
    ['RenamesActivity', "instead scheduled an activity task named 'B' with this sequence number"],
    ['ActivityBecomesTimer', 'instead produced a CreateTimerOrchestratorAction action'],
    ['ActivityBecomesChild', 'instead produced a CreateSubOrchestrationAction action'],
  ])('%s fails the instance instead of completing with the wrong result', async (name, detail) => {
    const id = await start(name);
    const status = await pollStatus(h, id, finished, '&showHistory=true');
    expect(status.runtimeStatus).toBe('Failed');
    const output = String(status.output);
    expect(output).toContain(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'A'",
    );
    expect(output).toContain(detail);
    const events = status.historyEvents as { EventType: string; FailureDetails?: { ErrorType?: string } }[];
    expect(events.find((e) => e.EventType === 'ExecutionCompleted')).toMatchObject({
      FailureDetails: { ErrorType: 'NonDeterministicOrchestrationException' },
    });
  });
});

describe('limits', () => {
  it.each([20_000, 100_000])('a custom status of %i characters fails the instance (not Completed, not stuck)', async (length) => {
    const id = await start('BigStatus', length);
    const status = await pollStatus(h, id, finished);
    expect(status).toMatchObject({ runtimeStatus: 'Failed', customStatus: null });
    expect(String(status.output)).toContain(
      "Orchestrator function 'BigStatus' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB.",
    );
  });

  it('a custom status under 16 KB is shown while running and kept at completion', async () => {
    const id = await start('BigStatus', 8000);
    const status = await pollStatus(h, id, finished);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'from A', customStatus: 'x'.repeat(8000) });
  });
});

describe('continue-as-new', () => {
  it('runs 200 generations without waiting to completion (no cap, no failure)', async () => {
    const id = await start('Generations', { n: 0, until: 200 });
    const status = await pollStatus(h, id, finished, '', 60_000);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 200, input: { n: 200, until: 200 } });
  });
});

describe('activities that throw something other than an Error', () => {
  it.each([
    ['object', '{"code":42,"reason":"quota"}'],
    ['string', 'plain words'],
    ['number', '7'],
  ])('a thrown %s keeps its content for the orchestrator and in the failure', async (kind, text) => {
    const caught = await start('CatchesActivity', kind);
    const status = await pollStatus(h, caught, finished);
    expect(status.runtimeStatus).toBe('Completed');
    expect(String(status.output)).toContain(text);
    expect(String(status.output)).not.toContain('[object Object]');

    const failed = await start('FailsOnActivity', kind);
    const failure = await pollStatus(h, failed, finished, '&showHistory=true');
    expect(failure.runtimeStatus).toBe('Failed');
    expect(String(failure.output)).toContain(text);
    const events = failure.historyEvents as {
      EventType: string;
      Reason?: string;
      Details?: string;
      FailureDetails?: { ErrorMessage?: string };
    }[];
    expect(events.find((e) => e.EventType === 'TaskFailed')).toMatchObject({ FailureDetails: { ErrorMessage: text } });
  });
});
