// Replay validation on canned histories: an orchestrator whose replay contradicts its history
// (changed code) fails with the host's NonDeterministicOrchestrationException message.
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/domain/index.js';
import { planEpisode, type CheckpointPlan } from '../../src/worker/episode.js';
import { Registry } from '../../src/worker/registry.js';
import {
  at,
  episode,
  EXECUTION,
  INSTANCE,
  message,
  started,
  subCreated,
  taskCompleted,
  taskScheduled,
  timerCreated,
  timerFired,
  T0,
} from './canned-histories.js';

type Gen = Generator<unknown, unknown, unknown>;
const registry = new Registry();
// "Today's code" for each orchestrator; the histories below were written by yesterday's.
registry.orchestration('NowCallsB', function* (context: OrchestrationContext): Gen {
  return yield context.df.callActivity('B');
});
registry.orchestration('NowWaitsOnTimer', function* (context: OrchestrationContext): Gen {
  yield context.df.createTimer(at(60));
  return 'timer';
});
registry.orchestration('NowCallsChild', function* (context: OrchestrationContext): Gen {
  return yield context.df.callSubOrchestrator('Child', null, 'child-1');
});
registry.orchestration('NowCallsNothing', function* (): Gen {
  yield* [];
  return 'nothing';
});
registry.orchestration('Unchanged', function* (context: OrchestrationContext): Gen {
  const a = yield context.df.callActivity('a'); // activity names match case-insensitively, as in the host
  yield context.df.createTimer(at(60));
  return [a, yield context.df.callSubOrchestrator('Child', null, 'child-1')];
});

async function checkpoint(name: string, scheduled: HistoryEvent[], arriving: HistoryEvent[]): Promise<CheckpointPlan> {
  const history = started(name, {}, ...scheduled);
  const plan = await planEpisode({
    instanceId: INSTANCE,
    executionId: EXECUTION,
    history,
    messages: arriving.map((e) => message(e)),
    registry,
    now: at(61),
  });
  if (plan.kind !== 'checkpoint') throw new Error(`expected a checkpoint, got ${plan.kind}`);
  return plan;
}

function expectNonDeterministic(plan: CheckpointPlan, ...fragments: string[]) {
  expect(plan.update.runtimeStatus).toBe('Failed');
  const completed = plan.newEvents.find((e) => e.EventType === 'ExecutionCompleted');
  expect(completed).toMatchObject({
    OrchestrationStatus: 'Failed',
    FailureDetails: { ErrorType: 'NonDeterministicOrchestrationException' },
  });
  const message = String(completed?.Result);
  expect(message).toMatch(/^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled /);
  expect(message).toMatch(/Was a change made to the orchestrator code after this instance had already started running\?$/);
  for (const fragment of fragments) expect(message).toContain(fragment);
  expect(plan.update.output).toBe(`NonDeterministicOrchestrationException: ${message}`);
  expect(plan.workItems).toEqual([]);
  return message;
}

describe('replay validation', () => {
  it('activity replayed under another name', async () => {
    const plan = await checkpoint('NowCallsB', [taskScheduled(0, 'A')], [taskCompleted(0, 'from A', at(1))]);
    expectNonDeterministic(
      plan,
      "an activity task with sequence number 0 named 'A'",
      "instead scheduled an activity task named 'B' with this sequence number",
    );
  });

  it('activity replayed as a timer', async () => {
    const plan = await checkpoint('NowWaitsOnTimer', [taskScheduled(0, 'A')], [taskCompleted(0, 'from A', at(1))]);
    expectNonDeterministic(
      plan,
      "an activity task with sequence number 0 named 'A'",
      'instead produced a CreateTimerOrchestratorAction action',
    );
  });

  it('activity replayed as a sub-orchestration', async () => {
    const plan = await checkpoint('NowCallsChild', [taskScheduled(0, 'A')], [taskCompleted(0, 'from A', at(1))]);
    expectNonDeterministic(plan, "named 'A'", 'instead produced a CreateSubOrchestrationAction action');
  });

  it('timer and sub-orchestration replayed as activities; a task the replay never creates', async () => {
    const timer = await checkpoint('NowCallsB', [timerCreated(0, at(60))], [timerFired(0, at(60))]);
    expectNonDeterministic(timer, 'a timer task with sequence number 0', 'instead produced a ScheduleTaskOrchestratorAction action');
    const child = await checkpoint('NowCallsB', [subCreated(0, 'Child', 'child-1')], [taskCompleted(0, 'x', at(1))]);
    expectNonDeterministic(
      child,
      "a sub-orchestration task with sequence ID 0 and name 'Child'",
      "instance ID 'child-1'",
      'ScheduleTaskOrchestratorAction',
    );
    const gone = await checkpoint('NowCallsNothing', [taskScheduled(0, 'A')], [taskCompleted(0, 'x', at(1))]);
    expectNonDeterministic(gone, "an activity task with sequence ID 0 and name 'A'", "hasn't (yet?) scheduled this task");
  });

  it('a faithful replay passes, whatever the case of the activity name', async () => {
    const history = [
      ...started('Unchanged', {}, taskScheduled(0, 'A')),
      ...episode(at(1), [taskCompleted(0, 'a', at(1))], [timerCreated(1, at(60))]),
      ...episode(at(60), [timerFired(1, at(60))], [subCreated(2, 'child', 'child-1')]),
    ];
    const plan = await planEpisode({
      instanceId: INSTANCE,
      executionId: EXECUTION,
      history,
      messages: [
        message({
          EventType: 'SubOrchestrationInstanceCompleted',
          EventId: -1,
          Timestamp: T0.toISOString(),
          TaskScheduledId: 2,
          Result: '"c"',
        }),
      ],
      registry,
      now: at(61),
    });
    expect(plan).toMatchObject({ kind: 'checkpoint', update: { runtimeStatus: 'Completed', output: '["a","c"]' } });
  });
});
