// Limits on canned histories: values no write could store fail the instance while planning
// (so no write after the checkpoint can fail for good), with the host's messages.
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { planEpisode, type CheckpointPlan } from '../../src/worker/episode.js';
import { Registry } from '../../src/worker/registry.js';
import { EXECUTION, executionStarted, INSTANCE, message, T0 } from './canned-histories.js';

type Gen = Generator<unknown, unknown, unknown>;
const registry = new Registry();
// input: length of a string custom status; then waits for an event.
registry.orchestration('Status', function* (context: OrchestrationContext): Gen {
  context.df.setCustomStatus('x'.repeat(Number(context.df.getInput())));
  return yield context.df.waitForExternalEvent('Go');
});
registry.orchestration('CircularStatus', function* (context: OrchestrationContext): Gen {
  const status: Record<string, unknown> = {};
  status.self = status;
  context.df.setCustomStatus(status);
  return yield context.df.waitForExternalEvent('Go');
});
registry.orchestration('BigIntOutput', function* (): Gen {
  yield* [];
  return 10n;
});
registry.orchestration('BigIntActivityInput', function* (context: OrchestrationContext): Gen {
  return yield context.df.callActivity('A', { n: 10n });
});
registry.orchestration('BigIntContinue', function* (context: OrchestrationContext): Gen {
  yield* [];
  context.df.continueAsNew(10n);
  return undefined;
});
registry.orchestration('LongChildId', function* (context: OrchestrationContext): Gen {
  return yield context.df.callSubOrchestrator('Child', null, 'c'.repeat(300));
});
registry.orchestration('BadTimer', function* (context: OrchestrationContext): Gen {
  return yield context.df.createTimer(new Date(NaN));
});
registry.orchestration('Year1000Timer', function* (context: OrchestrationContext): Gen {
  return yield context.df.createTimer(new Date(Date.UTC(1000, 0, 1)));
});

async function first(
  name: string,
  input?: unknown,
  parent?: { instanceId: string; executionId: string; taskScheduleId: number },
): Promise<CheckpointPlan> {
  const plan = await planEpisode({
    instanceId: INSTANCE,
    executionId: EXECUTION,
    history: [],
    messages: [message(executionStarted(name, { input, parent }))],
    registry,
    now: T0,
  });
  if (plan.kind !== 'checkpoint') throw new Error(`expected a checkpoint, got ${plan.kind}`);
  return plan;
}

function expectFailed(plan: CheckpointPlan, text: string | RegExp) {
  expect(plan.update).toMatchObject({ runtimeStatus: 'Failed', completedTime: T0 });
  expect(plan.update.output).toMatch(text);
  expect(plan.newEvents.find((e) => e.EventType === 'ExecutionCompleted')).toMatchObject({
    OrchestrationStatus: 'Failed',
    FailureDetails: { ErrorType: 'OrchestrationFailureException' },
  });
  expect(plan.workItems).toEqual([]);
  expect(plan.childRows).toEqual([]);
}

describe('custom status', () => {
  it('over 16 KB of UTF-16 JSON fails the instance with the host message (and stores no status)', async () => {
    const plan = await first('Status', 20_000);
    expectFailed(
      plan,
      "Orchestrator function 'Status' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 39 KB.",
    );
    expect(plan.update.customStatus).toBeNull();
  });

  it('counts whole KB as the host does: 17,406 bytes pass, 17,408 fail', async () => {
    const under = await first('Status', 8701); // 8,703 JSON characters
    expect(under.update).toMatchObject({ runtimeStatus: 'Running', customStatus: `"${'x'.repeat(8701)}"` });
    expectFailed(await first('Status', 8702), /current payload size is 17 KB/);
  });

  it('a status that is not JSON fails the instance, naming why', async () => {
    expectFailed(await first('CircularStatus'), /The custom status cannot be serialized as JSON: .*circular/i);
  });

  it('a failing child tells its parent', async () => {
    const plan = await first('Status', 100_000, { instanceId: 'p', executionId: 'pe', taskScheduleId: 2 });
    expect(plan.outbound).toEqual([
      expect.objectContaining({
        instance: { InstanceId: 'p', ExecutionId: 'pe' },
        event: expect.objectContaining({ EventType: 'SubOrchestrationInstanceFailed', TaskScheduledId: 2 }),
      }),
    ]);
  });
});

describe('other values that cannot be stored', () => {
  it('an output, an activity input or a continue-as-new input that is not JSON', async () => {
    expectFailed(await first('BigIntOutput'), /The output cannot be serialized as JSON: .*BigInt/);
    expectFailed(await first('BigIntActivityInput'), /BigInt/);
    expectFailed(await first('BigIntContinue'), /The input given to continueAsNew cannot be serialized as JSON/);
  });

  it('a sub-orchestration id no table key can hold, and a timer without a time', async () => {
    expectFailed(await first('LongChildId'), "The instance ID of sub-orchestration 'Child' is longer than 256 characters.");
    expectFailed(await first('BadTimer'), 'The timer with sequence number 0 has an invalid fire time.');
    expectFailed(await first('Year1000Timer'), 'The timer with sequence number 0 has an invalid fire time.');
  });
});
