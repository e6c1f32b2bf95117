// The durable-functions executor hosted by the worker: histories in, decisions out (no storage).
import { describe, expect, it } from 'vitest';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { toTicks } from '../../src/domain/entity-ordering.js';
import { executeOrchestrator } from '../../src/worker/df-host.js';
import { historyEvent as ev } from '../../src/domain/index.js';
import { Registry } from '../../src/worker/registry.js';
import { registerSamples } from '../../src/worker/samples.js';

const registry = new Registry();
registerSamples(registry);
const now = new Date('2025-01-01T00:00:00Z');
const started = (name: string, input: string | null) => [
  ev('OrchestratorStarted', {}, -1, now),
  ev('ExecutionStarted', { Name: name, Input: input, OrchestrationInstance: { InstanceId: 'i1', ExecutionId: 'e1' } }, -1, now),
];

function run(name: string, history = started(name, null), fn = registry.findOrchestration(name)!) {
  const input = history.find((e) => e.EventType === 'ExecutionStarted')?.Input as string | null;
  return executeOrchestrator(fn, { name, instanceId: 'i1', input, history, now });
}

describe('executeOrchestrator', () => {
  it('schedules the first activity of E1_HelloSequence, then the next after its completion', async () => {
    const first = await run('E1_HelloSequence');
    expect(first.done).toBe(false);
    expect(first.newTasks).toEqual([{ kind: 'activity', id: 0, name: 'E1_SayHello', input: '"Tokyo"' }]);

    const history = [
      ...started('E1_HelloSequence', null),
      ev('TaskScheduled', { Name: 'E1_SayHello', Input: '"Tokyo"' }, 0),
      ev('OrchestratorCompleted'),
      ev('OrchestratorStarted'),
      ev('TaskCompleted', { TaskScheduledId: 0, Result: '"Hello Tokyo!"' }),
    ];
    const second = await run('E1_HelloSequence', history);
    expect(second.newTasks).toEqual([{ kind: 'activity', id: 1, name: 'E1_SayHello', input: '"Seattle"' }]);
  });

  it('completes with the output when every activity answered', async () => {
    const history = [...started('E1_HelloSequence', null)];
    ['Tokyo', 'Seattle', 'London'].forEach((city, i) => {
      history.push(ev('TaskScheduled', { Name: 'E1_SayHello', Input: JSON.stringify(city) }, i));
      history.push(ev('TaskCompleted', { TaskScheduledId: i, Result: JSON.stringify(`Hello ${city}!`) }));
    });
    const result = await run('E1_HelloSequence', history);
    expect(result).toMatchObject({ done: true, output: ['Hello Tokyo!', 'Hello Seattle!', 'Hello London!'], newTasks: [] });
  });

  it('fans out in one episode and reports an unhandled activity failure with its details', async () => {
    const fan = await run('FanOutFanIn', started('FanOutFanIn', '{"count":3}'));
    expect(fan.newTasks.map((t) => t.id)).toEqual([0, 1, 2]);

    const history = [
      ...started('FlakySequence', null),
      ev('TaskScheduled', { Name: 'E1_SayHello' }, 0),
      ev('TaskCompleted', { TaskScheduledId: 0, Result: '"Hello Tokyo!"' }),
      ev('TaskScheduled', { Name: 'FlakySequence_Step' }, 1),
      ev('TaskFailed', { TaskScheduledId: 1, Reason: 'boom', Details: '', FailureDetails: { ErrorType: 'Error', ErrorMessage: 'boom' } }),
    ];
    const failed = await run('FlakySequence', history);
    expect(failed.done).toBe(true);
    expect(failed.failure?.ErrorMessage).toContain('boom');
  });

  it('re-schedules a rewound activity under its original id (GenericEvent rows are skipped)', async () => {
    const history = [
      ...started('FlakySequence', null),
      ev('TaskScheduled', { Name: 'E1_SayHello' }, 0),
      ev('TaskCompleted', { TaskScheduledId: 0, Result: '"Hello Tokyo!"' }),
      ev('GenericEvent', { Reason: 'Rewound: TaskScheduled' }, 1),
      ev('GenericEvent', { Reason: 'Rewound: TaskFailed', TaskScheduledId: 1 }),
      ev('GenericEvent', { Reason: 'Rewound: ExecutionCompleted' }),
      ev('OrchestratorStarted'),
    ];
    const result = await run('FlakySequence', history);
    expect(result.newTasks).toEqual([{ kind: 'activity', id: 1, name: 'FlakySequence_Step', input: '"i1"' }]);
  });

  it('HumanApproval: timer plus wait; an event raised before the wait is consumed; continue-as-new for Counter', async () => {
    const waiting = await run('HumanApproval', started('HumanApproval', '{"timeoutSeconds":60}'));
    expect(waiting.newTasks).toEqual([{ kind: 'timer', id: 0, fireAt: new Date(now.getTime() + 60_000) }]);

    const early = [...started('HumanApproval', null), ev('EventRaised', { Name: 'Approval', Input: '"yes"' })];
    expect(await run('HumanApproval', early)).toMatchObject({ done: true, output: 'yes' });

    const counter = [
      ...started('Counter', '5'),
      ev('EventRaised', { Name: 'Add', Input: '2' }),
      ev('EventRaised', { Name: 'Add', Input: '3' }),
    ];
    const result = await run('Counter', counter);
    expect(result).toMatchObject({ done: true, continueAsNewInput: '7', customStatus: 7 });
    expect(result.unconsumedEvents.get('Add')).toBe(1);
  });

  it('asks for a back-off timer, then a re-schedule, for callActivityWithRetry', async () => {
    const fn = function* (context: OrchestrationContext): Generator<unknown, unknown, unknown> {
      return yield context.df.callActivityWithRetry('Act', new df.RetryOptions(1000, 2), 'x');
    };
    const base = [...started('R', null), ev('TaskScheduled', { Name: 'Act' }, 0)];
    const failed = [...base, ev('TaskFailed', { TaskScheduledId: 0, Reason: 'r', Details: 'd' })];
    const timer = await run('R', failed, fn);
    expect(timer.newTasks).toEqual([{ kind: 'timer', id: 1, fireAt: new Date(now.getTime() + 1000) }]);
    const fired = [...failed, ev('TimerCreated', { FireAt: now.toISOString() }, 1), ev('TimerFired', { TimerId: 1 })];
    const again = await run('R', fired, fn);
    expect(again.newTasks).toEqual([{ kind: 'activity', id: 2, name: 'Act', input: '"x"' }]);
  });

  it('sends entity calls and signals as EventSent requests in the order they were issued', async () => {
    const fn = function* (context: OrchestrationContext): Generator<unknown, unknown, unknown> {
      context.df.signalEntity(new df.EntityId('Counter', 'k'), 'add', 2);
      return yield context.df.callEntity(new df.EntityId('counter', 'k'), 'get');
    };
    const result = await run('E', started('E', null), fn);
    expect(result.failure).toBeUndefined();
    expect(result.newTasks.map((t) => [t.kind, t.id, 'instanceId' in t ? t.instanceId : undefined])).toEqual([
      ['sendEvent', 0, '@counter@k'],
      ['sendEvent', 1, '@counter@k'],
    ]);
    const [signal, call] = result.newTasks.map((t) => JSON.parse((t as { input: string }).input) as Record<string, unknown>);
    expect(signal).toMatchObject({ op: 'add', signal: true, input: '2', parent: 'i1' });
    expect(call).toMatchObject({ op: 'get', parent: 'i1' });
    expect(call.signal).toBeUndefined();
    expect(toTicks(String(call.Timestamp))! > toTicks(String(signal.Timestamp))!).toBe(true);
    expect(call.Predecessor).toBe(signal.Timestamp);
  });

  it('fails the orchestration on durable HTTP calls', async () => {
    const fn = function* (context: OrchestrationContext): Generator<unknown, unknown, unknown> {
      return yield context.df.callHttp({ method: 'GET', url: 'http://127.0.0.1:9/' });
    };
    const result = await run('E', started('E', null), fn);
    expect(result.failure?.ErrorMessage).toMatch(/callHttp/);
  });
});
