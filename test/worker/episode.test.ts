// The episode planner on canned histories: no storage, no queues, only decisions.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/domain/index.js';
import { planEpisode, type CheckpointPlan, type EpisodePlan } from '../../src/worker/episode.js';
import type { SuspendedRun } from '../../src/worker/df-host.js';
import { HistoryIndexes } from '../../src/worker/history-index.js';
import { Registry } from '../../src/worker/registry.js';
import { ReplaySessions } from '../../src/worker/replay-sessions.js';
import { registerSamples } from '../../src/worker/samples.js';
import {
  at,
  episode,
  eventRaised,
  EXECUTION,
  executionStarted,
  INSTANCE,
  message,
  resumed,
  started,
  subCompleted,
  subCreated,
  subFailed,
  suspended,
  T0,
  taskCompleted,
  taskFailed,
  taskScheduled,
  terminated,
  timerCreated,
  timerFired,
} from './canned-histories.js';

type Gen = Generator<unknown, unknown, unknown>;
const registry = new Registry();
registerSamples(registry);
registry.orchestration('Seq', function* (context: OrchestrationContext): Gen {
  const a = yield context.df.callActivity('A', 1);
  const b = yield context.df.callActivity('B', 2);
  return [a, b];
});
registry.orchestration('Retry', function* (context: OrchestrationContext): Gen {
  const options = new df.RetryOptions(1000, 3);
  options.backoffCoefficient = 3;
  return yield context.df.callActivityWithRetry('Flaky', options);
});
registry.orchestration('Timer', function* (context: OrchestrationContext): Gen {
  yield context.df.createTimer(at(60));
  return 'fired';
});
registry.orchestration('Parent', function* (context: OrchestrationContext): Gen {
  try {
    return yield context.df.callSubOrchestrator('Seq', null, 'child-1');
  } catch (error) {
    return `caught: ${(error as Error).message}`;
  }
});

registry.orchestration('ParentNoId', function* (context: OrchestrationContext): Gen {
  return yield context.df.callSubOrchestrator('Seq');
});

async function plan(history: HistoryEvent[], arriving: HistoryEvent[], now = T0): Promise<EpisodePlan> {
  return planEpisode({ instanceId: INSTANCE, executionId: EXECUTION, history, messages: arriving.map((e) => message(e)), registry, now });
}

async function checkpoint(history: HistoryEvent[], arriving: HistoryEvent[], now = T0): Promise<CheckpointPlan> {
  const result = await plan(history, arriving, now);
  if (result.kind !== 'checkpoint') throw new Error(`expected a checkpoint, got ${result.kind}`);
  return result;
}

const types = (events: HistoryEvent[]) => events.map((e) => e.EventType);

describe('accepting messages', () => {
  it('starts a fresh execution: start columns on the row, the first activity scheduled and sent', async () => {
    const p = await checkpoint([], [executionStarted('Seq', { input: 'x' })]);
    expect(types(p.newEvents)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'TaskScheduled', 'OrchestratorCompleted']);
    expect(p).toMatchObject({
      executionId: EXECUTION,
      existingCount: 0,
      workItems: [{ EventType: 'TaskScheduled', Name: 'A', EventId: 0 }],
    });
    expect(p.update).toMatchObject({ runtimeStatus: 'Running', name: 'Seq', input: '"x"', createdTime: T0, customStatus: null });
  });

  it('drops a duplicated completion and a second start; nothing else arrived, so the plan is idle', async () => {
    const history = [...started('Seq', {}, taskScheduled(0, 'A', 1)), ...episode(T0, [taskCompleted(0, 'a')], [taskScheduled(1, 'B', 2)])];
    expect(await plan(history, [taskCompleted(0, 'a'), executionStarted('Seq')])).toEqual({ kind: 'idle' });
  });

  it('records a completion once even when delivered twice in one batch', async () => {
    const history = started('Seq', {}, taskScheduled(0, 'A', 1));
    const p = await checkpoint(history, [taskCompleted(0, 'a'), taskCompleted(0, 'a')]);
    expect(types(p.newEvents)).toEqual(['OrchestratorStarted', 'TaskCompleted', 'TaskScheduled', 'OrchestratorCompleted']);
    expect(p.existingCount).toBe(history.length);
    expect(p.update).not.toHaveProperty('input');
  });

  it('re-arms a timer that surfaced before its time without recording anything', async () => {
    const history = started('Timer', {}, timerCreated(0, at(60)));
    expect(await plan(history, [timerFired(0, at(60))], at(10))).toMatchObject({
      kind: 'rearm',
      outbound: [{ instance: { InstanceId: INSTANCE }, event: { EventType: 'TimerFired', TimerId: 0 }, delayInMs: 50_000 }],
    });
  });

  it('is idle for an execution that already ended', async () => {
    const history = [...started('Timer', {}, timerCreated(0, at(60))), ...episode(at(60), [timerFired(0, at(60))])];
    history.splice(-1, 0, { EventType: 'ExecutionCompleted', EventId: -1, Timestamp: T0.toISOString(), OrchestrationStatus: 'Completed' });
    expect(await plan(history, [eventRaised('Late', 1)], at(61))).toEqual({ kind: 'idle' });
  });
});

describe('running the orchestrator', () => {
  it('completes when the last activity answers: output JSON on the row and in ExecutionCompleted', async () => {
    const history = [
      ...started('Seq', {}, taskScheduled(0, 'A', 1)),
      ...episode(at(1), [taskCompleted(0, 'a')], [taskScheduled(1, 'B', 2)]),
    ];
    const p = await checkpoint(history, [taskCompleted(1, 'b', at(2))], at(2));
    expect(types(p.newEvents)).toEqual(['OrchestratorStarted', 'TaskCompleted', 'ExecutionCompleted', 'OrchestratorCompleted']);
    expect(p.newEvents[2]).toMatchObject({ OrchestrationStatus: 'Completed', Result: '["a","b"]' });
    expect(p.update).toMatchObject({ runtimeStatus: 'Completed', output: '["a","b"]', completedTime: at(2) });
  });

  it('arms a timer: TimerCreated in history, TimerFired sent to self with the remaining delay', async () => {
    const p = await checkpoint([], [executionStarted('Timer')], at(0));
    expect(p.newEvents[2]).toMatchObject({ EventType: 'TimerCreated', EventId: 0, FireAt: at(60).toISOString() });
    expect(p.outbound).toEqual([
      expect.objectContaining({
        instance: { InstanceId: INSTANCE, ExecutionId: EXECUTION },
        delayInMs: 60_000,
        event: expect.objectContaining({ EventType: 'TimerFired', TimerId: 0 }),
      }),
    ]);
    const fired = await checkpoint(started('Timer', {}, timerCreated(0, at(60))), [timerFired(0, at(60))], at(60));
    expect(fired.update).toMatchObject({ runtimeStatus: 'Completed', output: '"fired"' });
  });

  it('delivers a raised event to the waiting orchestrator', async () => {
    const history = started('HumanApproval', { input: { timeoutSeconds: 60 } }, timerCreated(0, at(60)));
    const p = await checkpoint(history, [eventRaised('Approval', 'yes', at(5))], at(5));
    expect(p.update).toMatchObject({ runtimeStatus: 'Completed', output: '"yes"' });
  });

  it('retries a failed activity after its back-off timer, under the next task id', async () => {
    const first = started('Retry', {}, taskScheduled(0, 'Flaky'));
    const afterFailure = await checkpoint(first, [taskFailed(0, 'boom', at(1))], at(1));
    expect(afterFailure.newEvents[2]).toMatchObject({ EventType: 'TimerCreated', EventId: 1, FireAt: at(2).toISOString() });
    expect(afterFailure.outbound[0].delayInMs).toBe(1000);

    const history = [...first, ...episode(at(1), [taskFailed(0, 'boom', at(1))], [timerCreated(1, at(2))])];
    const retried = await checkpoint(history, [timerFired(1, at(2))], at(2));
    expect(retried.workItems).toEqual([expect.objectContaining({ EventType: 'TaskScheduled', EventId: 2, Name: 'Flaky' })]);
  });

  it('fails an orchestrator that is not registered, catchably for a parent', async () => {
    const p = await checkpoint([], [executionStarted('Nope', { parent: { instanceId: 'p', executionId: 'pe', taskScheduleId: 3 } })]);
    expect(p.update).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining("'Nope' is not registered") });
    expect(p.outbound).toEqual([
      expect.objectContaining({
        instance: { InstanceId: 'p', ExecutionId: 'pe' },
        event: expect.objectContaining({ EventType: 'SubOrchestrationInstanceFailed', TaskScheduledId: 3 }),
      }),
    ]);
  });
});

describe('sub-orchestrations', () => {
  it('creates the child: Pending row, start message naming the parent', async () => {
    const p = await checkpoint([], [executionStarted('Parent')]);
    expect(p.newEvents[2]).toMatchObject({ EventType: 'SubOrchestrationInstanceCreated', EventId: 0, Name: 'Seq', InstanceId: 'child-1' });
    expect(p.childRows).toEqual([expect.objectContaining({ instanceId: 'child-1', name: 'Seq', runtimeStatus: 'Pending' })]);
    expect(p.outbound[0]).toMatchObject({
      instance: { InstanceId: 'child-1' },
      event: {
        EventType: 'ExecutionStarted',
        ParentInstance: { TaskScheduleId: 0, OrchestrationInstance: { InstanceId: INSTANCE, ExecutionId: EXECUTION } },
      },
    });
  });

  it('names a child started without an id after the parent execution, as DurableTask.Core does', async () => {
    const p = await checkpoint([], [executionStarted('ParentNoId')]);
    expect(p.newEvents[2]).toMatchObject({ EventType: 'SubOrchestrationInstanceCreated', InstanceId: `${EXECUTION}:0` });
    expect(p.outbound[0]).toMatchObject({ instance: { InstanceId: `${EXECUTION}:0` } });
    expect(p.childRows).toEqual([expect.objectContaining({ instanceId: `${EXECUTION}:0` })]);
  });

  it('a child that completes answers its parent with the output', async () => {
    const parent = { instanceId: 'p', executionId: 'pe', taskScheduleId: 4 };
    const history = [
      ...started('Seq', { parent }, taskScheduled(0, 'A', 1)),
      ...episode(at(1), [taskCompleted(0, 'a')], [taskScheduled(1, 'B', 2)]),
    ];
    const p = await checkpoint(history, [taskCompleted(1, 'b', at(2))], at(2));
    expect(p.outbound).toEqual([
      expect.objectContaining({
        instance: { InstanceId: 'p', ExecutionId: 'pe' },
        event: expect.objectContaining({ EventType: 'SubOrchestrationInstanceCompleted', TaskScheduledId: 4, Result: '["a","b"]' }),
      }),
    ]);
  });

  it('the parent resumes on the child completion, and catches the child failure', async () => {
    const history = started('Parent', {}, subCreated(0, 'Seq', 'child-1'));
    const done = await checkpoint(history, [subCompleted(0, ['a', 'b'], at(3))], at(3));
    expect(done.update).toMatchObject({ runtimeStatus: 'Completed', output: '["a","b"]' });
    const caught = await checkpoint(history, [subFailed(0, 'child exploded', at(3))], at(3));
    expect(caught.update).toMatchObject({ runtimeStatus: 'Completed', output: expect.stringContaining('child exploded') });
  });
});

describe('terminate, suspend, resume', () => {
  it('terminates without running user code and tells the parent', async () => {
    const parent = { instanceId: 'p', executionId: 'pe', taskScheduleId: 1 };
    const p = await checkpoint(started('Seq', { parent }, taskScheduled(0, 'A', 1)), [taskCompleted(0, 'a'), terminated('enough')]);
    expect(types(p.newEvents)).toEqual([
      'OrchestratorStarted',
      'TaskCompleted',
      'ExecutionTerminated',
      'ExecutionCompleted',
      'OrchestratorCompleted',
    ]);
    expect(p.workItems).toEqual([]);
    expect(p.update).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
    expect(p.outbound[0].event).toMatchObject({
      EventType: 'SubOrchestrationInstanceFailed',
      TaskScheduledId: 1,
      FailureDetails: { ErrorType: 'TerminatedError' },
    });
  });

  it('while suspended records what arrives without running; on resume it runs', async () => {
    const history = started('Seq', {}, taskScheduled(0, 'A', 1));
    const held = await checkpoint(history, [suspended('hold on'), taskCompleted(0, 'a')]);
    expect(types(held.newEvents)).toEqual(['OrchestratorStarted', 'ExecutionSuspended', 'TaskCompleted', 'OrchestratorCompleted']);
    expect(held.update).toMatchObject({ runtimeStatus: 'Suspended', output: 'hold on' });

    const resumedPlan = await checkpoint([...history, ...held.newEvents], [resumed('go')], at(5));
    expect(resumedPlan.workItems).toEqual([expect.objectContaining({ Name: 'B', EventId: 1 })]);
    expect(resumedPlan.update.runtimeStatus).toBe('Running');
  });
});

describe('continue-as-new', () => {
  it('replaces the execution in the same checkpoint and carries unconsumed events over', async () => {
    const history = started('Counter', { input: 5 });
    const p = await checkpoint(history, [eventRaised('Add', 2, at(1)), eventRaised('Add', 3, at(1))], at(1));
    expect(p.executionId).not.toBe(EXECUTION);
    expect(p.existingCount).toBe(0);
    // Generation 1 took Add 2 (7); the carried Add 3 made generation 2 continue (10); generation 3 waits.
    expect(types(p.newEvents)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'OrchestratorCompleted']);
    expect(p.newEvents[1]).toMatchObject({ Input: '10', OrchestrationInstance: { InstanceId: INSTANCE, ExecutionId: p.executionId } });
    expect(p.update).toMatchObject({
      runtimeStatus: 'Running',
      input: '10',
      createdTime: at(1),
      customStatus: '10',
      executionId: p.executionId,
    });
  });
});

describe('continue-as-new without a cap on generations', () => {
  registry.orchestration('Generations', function* (context: OrchestrationContext): Gen {
    yield* [];
    const n = Number(context.df.getInput());
    context.df.setCustomStatus(n);
    if (n < 250) context.df.continueAsNew(n + 1);
    return n;
  });

  it('hands the next generation to a later episode every 100 generations, then completes', async () => {
    let history: HistoryEvent[] = [];
    let executionId = EXECUTION;
    let arriving = [message(executionStarted('Generations', { input: 0 }))];
    const handedOver: string[] = [];
    for (let episodeCount = 0; episodeCount < 5; episodeCount++) {
      const p = await planEpisode({ instanceId: INSTANCE, executionId, history, messages: arriving, registry, now: T0 });
      if (p.kind !== 'checkpoint') throw new Error(p.kind);
      if (p.update.runtimeStatus === 'Completed') {
        expect(p.update.output).toBe('250');
        expect(handedOver).toEqual(['100', '200']);
        return;
      }
      expect(p.update).toMatchObject({
        runtimeStatus: 'Running',
        executionId: p.executionId,
        customStatus: String(Number(p.update.input) - 1),
      });
      expect(types(p.newEvents)).toEqual(['OrchestratorStarted', 'ExecutionStarted', 'OrchestratorCompleted']);
      const wake = p.outbound.find((o) => o.event.EventType === 'GenericEvent');
      expect(wake?.instance).toEqual({ InstanceId: INSTANCE, ExecutionId: p.executionId });
      handedOver.push(String(p.update.input));
      history = p.newEvents;
      executionId = p.executionId;
      arriving = [message(wake!.event, INSTANCE, executionId)];
    }
    throw new Error('never completed');
  });
});

describe('retries', () => {
  it('waits 1 s and 3 s before attempts 2 and 3, and surfaces the third failure at once', async () => {
    // RetryOptions(1000, 3) with back-off coefficient 3 (the Retry orchestrator above).
    let history = started('Retry', {}, taskScheduled(0, 'Flaky'));
    const delays: number[] = [];
    let now = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const scheduledId = (attempt - 1) * 2;
      now = new Date(now.getTime() + 100);
      const afterFailure = await checkpoint(history, [taskFailed(scheduledId, `boom ${attempt}`, now)], now);
      const timer = afterFailure.newEvents.find((e) => e.EventType === 'TimerCreated')!;
      expect(timer.EventId).toBe(scheduledId + 1);
      delays.push(Date.parse(String(timer.FireAt)) - now.getTime());
      expect(afterFailure.outbound[0].delayInMs).toBe(delays[delays.length - 1]);
      history = [...history, ...afterFailure.newEvents];
      now = new Date(String(timer.FireAt));
      const afterTimer = await checkpoint(history, [timerFired(scheduledId + 1, now)], now);
      history = [...history, ...afterTimer.newEvents];
      if (attempt < 3) {
        expect(afterTimer.workItems).toEqual([expect.objectContaining({ EventId: scheduledId + 2, Name: 'Flaky' })]);
      } else {
        expect(afterTimer.update).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining('boom 3') });
      }
    }
    expect(delays).toEqual([1000, 3000, 0]);
  });
});

describe('thrown values', () => {
  registry.orchestration('ThrowsObject', function* (): Gen {
    yield* [];
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- user code may throw anything; that is the case under test
    throw { code: 42 };
  });

  it('an orchestrator that throws a plain object fails with its JSON', async () => {
    const p = await checkpoint([], [executionStarted('ThrowsObject')]);
    expect(p.update).toMatchObject({ runtimeStatus: 'Failed', output: 'Error: {"code":42}' });
  });

  it('an activity failure that carried JSON reaches the orchestrator with it', async () => {
    const failure = { ...taskFailed(0, '{"code":42}', at(1)), Details: '{"code":42}' };
    const p = await checkpoint(started('Seq', {}, taskScheduled(0, 'A', 1)), [failure], at(1));
    expect(p.update).toMatchObject({ runtimeStatus: 'Failed', output: expect.stringContaining('{"code":42}') });
  });
});

describe('episodes planned from the index and run the last episode left', () => {
  it('plan what a fresh fold and replay of the same history plans: duplicates dropped, suspension kept', async () => {
    const indexes = new HistoryIndexes();
    const sessions = new ReplaySessions<SuspendedRun>();
    // Grows in place, as the worker's history cache does after each commit.
    const history: HistoryEvent[] = [];
    const step = async (arriving: HistoryEvent[], now: Date) => {
      const messages = arriving.map((e) => message(e));
      const fresh = await plan([...history], arriving, now);
      const carried = await planEpisode({
        instanceId: INSTANCE,
        executionId: EXECUTION,
        history,
        messages,
        registry,
        now,
        indexes,
        sessions,
      });
      expect(carried).toEqual(fresh);
      if (carried.kind === 'checkpoint') history.push(...carried.newEvents);
      return carried;
    };
    expect(await step([executionStarted('Seq')], T0)).toMatchObject({ kind: 'checkpoint', workItems: [{ Name: 'A' }] });
    expect(await step([taskCompleted(0, 'a', at(1))], at(1))).toMatchObject({ workItems: [{ Name: 'B' }] });
    // A second delivery of a completion recorded two episodes ago is a duplicate.
    expect(await step([taskCompleted(0, 'a', at(2))], at(2))).toEqual({ kind: 'idle' });
    expect(await step([suspended('hold on', at(3)), taskCompleted(1, 'b', at(3))], at(3))).toMatchObject({
      update: { runtimeStatus: 'Suspended', output: 'hold on' },
    });
    expect(await step([taskCompleted(1, 'b', at(4))], at(4))).toEqual({ kind: 'idle' });
    expect(await step([resumed('go', at(5))], at(5))).toMatchObject({
      update: { runtimeStatus: 'Completed', output: JSON.stringify(['a', 'b']) },
    });
    expect(await step([taskCompleted(1, 'b', at(6))], at(6))).toEqual({ kind: 'idle' });
  });
});
