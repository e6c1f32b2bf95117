// The historyEvents view (http-api-research.md §6.2), from a synthetic execution history.

import { describe, expect, it } from 'vitest';
import { toHistoryView } from '../../src/services/history-view.js';
import { stringifyJson } from '../../src/services/json-text.js';
import type { HistoryEvent } from '../../src/domain/index.js';

const history: HistoryEvent[] = [
  { EventType: 'OrchestratorStarted', EventId: -1, IsPlayed: true, Timestamp: '2024-01-01T00:00:00.0000000Z' },
  {
    EventType: 'ExecutionStarted',
    EventId: -1,
    IsPlayed: true,
    Timestamp: '2024-01-01T00:00:00.1000000Z',
    Name: 'E1_HelloSequence',
    Version: '',
    Input: '{"a":1}',
    OrchestrationInstance: { InstanceId: 'x', ExecutionId: 'e' },
    ParentInstance: null,
    Tags: null,
  },
  {
    EventType: 'TaskScheduled',
    EventId: 0,
    IsPlayed: true,
    Timestamp: '2024-01-01T00:00:01.0000000Z',
    Name: 'SayHello',
    Version: '',
    Input: '"Tokyo"',
  },
  {
    EventType: 'TaskScheduled',
    EventId: 1,
    IsPlayed: false,
    Timestamp: '2024-01-01T00:00:02.0000000Z',
    Name: 'SayHello',
    Version: '',
    Input: '"Paris"',
  },
  { EventType: 'OrchestratorCompleted', EventId: -1, Timestamp: '2024-01-01T00:00:02.5000000Z' },
  { EventType: 'TaskCompleted', EventId: -1, Timestamp: '2024-01-01T00:00:03.0000000Z', TaskScheduledId: 0, Result: '"Hello Tokyo!"' },
  { EventType: 'TimerFired', EventId: -1, Timestamp: '2024-01-01T00:00:04.0000000Z', TimerId: 2, FireAt: '2024-01-01T00:00:04Z' },
  { EventType: 'EventRaised', EventId: -1, Timestamp: '2024-01-01T00:00:05.0000000Z', Name: 'Approval', Input: 'true' },
  {
    EventType: 'ExecutionCompleted',
    EventId: 3,
    Timestamp: '2024-01-01T00:00:06.0000000Z',
    OrchestrationStatus: 1,
    Result: '["Hello Tokyo!"]',
  },
];

describe('toHistoryView', () => {
  it('drops replay bookkeeping, names types and folds scheduling into completions', () => {
    const view = toHistoryView(history, { showInput: true, showHistoryOutput: false });
    expect(view.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'TaskScheduled',
      'TaskCompleted',
      'TimerFired',
      'EventRaised',
      'ExecutionCompleted',
    ]);
    expect(view[0]).toEqual({
      EventType: 'ExecutionStarted',
      Timestamp: '2024-01-01T00:00:00.1000000Z',
      Input: '{"a":1}',
      FunctionName: 'E1_HelloSequence',
    });
    // Still pending activity: stays as TaskScheduled without Version.
    expect(view[1]).toEqual({ EventType: 'TaskScheduled', Timestamp: '2024-01-01T00:00:02.0000000Z', Name: 'SayHello', Input: '"Paris"' });
    expect(view[2]).toEqual({
      EventType: 'TaskCompleted',
      Timestamp: '2024-01-01T00:00:03.0000000Z',
      FunctionName: 'SayHello',
      ScheduledTime: '2024-01-01T00:00:01.0000000Z',
      Input: '"Tokyo"',
    });
    expect(view[3]).toEqual({ EventType: 'TimerFired', Timestamp: '2024-01-01T00:00:04.0000000Z', FireAt: '2024-01-01T00:00:04Z' });
    expect(view[5]).toEqual({
      EventType: 'ExecutionCompleted',
      Timestamp: '2024-01-01T00:00:06.0000000Z',
      OrchestrationStatus: 'Completed',
    });
    expect(view.every((e) => !('EventId' in e) && !('IsPlayed' in e))).toBe(true);
  });

  it('adds parsed results with showHistoryOutput and removes inputs with showInput=false', () => {
    // As serialised on the wire (results are kept as JSON text).
    const view = JSON.parse(stringifyJson(toHistoryView(history, { showInput: false, showHistoryOutput: true }))) as Record<
      string,
      unknown
    >[];
    expect(view.find((e) => e.EventType === 'TaskCompleted')).toMatchObject({ Result: 'Hello Tokyo!' });
    expect(view.find((e) => e.EventType === 'ExecutionCompleted')).toMatchObject({ Result: ['Hello Tokyo!'] });
    expect(view.some((e) => 'Input' in e)).toBe(false);
  });
});
