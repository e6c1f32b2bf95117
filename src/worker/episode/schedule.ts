// The executor's new tasks become history events (TaskScheduled, TimerCreated,
// SubOrchestrationInstanceCreated) plus what they send: activity work items, timer messages to
// self, and start messages (with Pending rows) for sub-orchestrations.

import { createHash } from 'node:crypto';
import type { InstanceUpdate } from '../../storage/port.js';
import { type HistoryEvent, historyEvent } from '../../domain/index.js';
import type { ScheduleRequest } from '../df-host.js';
import { MAX_TIMER_DELAY_IN_MS } from './accept-messages.js';
import type { EpisodeContext, Outbound } from './types.js';

export interface Scheduled {
  events: HistoryEvent[];
  workItems: HistoryEvent[];
  outbound: Outbound[];
  childRows: InstanceUpdate[];
}

export function scheduleTasks(tasks: ScheduleRequest[], ctx: EpisodeContext, executionId: string): Scheduled {
  const out: Scheduled = { events: [], workItems: [], outbound: [], childRows: [] };
  for (const task of tasks) scheduleOne(task, ctx, executionId, out);
  return out;
}

function scheduleOne(task: ScheduleRequest, ctx: EpisodeContext, executionId: string, out: Scheduled): void {
  const { now, instanceId } = ctx;
  const self = { InstanceId: instanceId, ExecutionId: executionId };
  if (task.kind === 'activity') {
    const event = historyEvent('TaskScheduled', { Name: task.name, Version: '', Input: task.input }, task.id, now);
    out.events.push(event);
    out.workItems.push(event);
  } else if (task.kind === 'timer') {
    const fireAt = task.fireAt.toISOString();
    out.events.push(historyEvent('TimerCreated', { FireAt: fireAt }, task.id, now));
    const delay = Math.min(Math.max(0, task.fireAt.getTime() - now.getTime()), MAX_TIMER_DELAY_IN_MS);
    out.outbound.push({
      instance: self,
      event: historyEvent('TimerFired', { TimerId: task.id, FireAt: fireAt }, -1, now),
      delayInMs: delay,
    });
  } else if (task.kind === 'sendEvent') {
    // An entity request or release: recorded as EventSent, delivered to the entity's current execution.
    out.events.push(historyEvent('EventSent', { InstanceId: task.instanceId, Name: task.name, Input: task.input }, task.id, now));
    out.outbound.push({
      instance: { InstanceId: task.instanceId, ExecutionId: null },
      event: historyEvent('EventRaised', { Name: task.name, Input: task.input }, -1, now),
    });
  } else {
    const childId = task.instanceId ?? `${instanceId}:${task.id}`;
    // Deterministic, so replaying this episode after a crash re-sends the same start (deduplicated).
    const childExecution = createHash('sha256').update(`${executionId}:${task.id}`).digest('hex').slice(0, 32);
    out.events.push(
      historyEvent(
        'SubOrchestrationInstanceCreated',
        { Name: task.name, Version: task.version ?? '', InstanceId: childId, Input: task.input },
        task.id,
        now,
      ),
    );
    const start = historyEvent(
      'ExecutionStarted',
      {
        OrchestrationInstance: { InstanceId: childId, ExecutionId: childExecution },
        ParentInstance: { Name: ctx.name, OrchestrationInstance: self, TaskScheduleId: task.id, Version: '' },
        Name: task.name,
        Version: task.version ?? '',
        Input: task.input,
        Tags: null,
      },
      -1,
      now,
    );
    out.outbound.push({ instance: { InstanceId: childId, ExecutionId: childExecution }, event: start });
    out.childRows.push({
      instanceId: childId,
      executionId: childExecution,
      name: task.name,
      version: task.version ?? '',
      runtimeStatus: 'Pending',
      input: task.input,
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
    });
  }
}
