// The executor's new tasks become history events (TaskScheduled, TimerCreated,
// SubOrchestrationInstanceCreated) plus what they send: activity work items, timer messages to
// self, and start messages (with Pending rows) for sub-orchestrations.

import { createHash } from 'node:crypto';
import type { InstanceUpdate } from '../../storage/port.js';
import {
  eventRaised,
  eventSent,
  executionStarted,
  subOrchestrationInstanceCreated,
  taskScheduled,
  timerCreated,
  timerFired,
  type HistoryEvent,
} from '../../domain/index.js';
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
    const event = taskScheduled(task.id, task.name, task.input, now);
    out.events.push(event);
    out.workItems.push(event);
  } else if (task.kind === 'timer') {
    const fireAt = task.fireAt.toISOString();
    out.events.push(timerCreated(task.id, fireAt, now));
    const delay = Math.min(Math.max(0, task.fireAt.getTime() - now.getTime()), MAX_TIMER_DELAY_IN_MS);
    out.outbound.push({
      instance: self,
      event: timerFired(task.id, fireAt, now),
      delayInMs: delay,
    });
  } else if (task.kind === 'sendEvent') {
    // An entity request or release: recorded as EventSent, delivered to the entity's current execution.
    out.events.push(eventSent(task.id, task.instanceId, task.name, task.input, now));
    out.outbound.push({
      instance: { InstanceId: task.instanceId, ExecutionId: null },
      event: eventRaised(task.name, task.input, now),
    });
  } else {
    // Without an id the child is `{parent execution id}:{task id}`, as DurableTask.Core names it, so
    // each execution of the parent (a restart, a continue-as-new) starts children of its own.
    const childId = task.instanceId ?? `${executionId}:${task.id}`;
    // Deterministic, so replaying this episode after a crash re-sends the same start (deduplicated).
    const childExecution = createHash('sha256').update(`${executionId}:${task.id}`).digest('hex').slice(0, 32);
    out.events.push(subOrchestrationInstanceCreated(task.id, task.name, task.version ?? '', childId, task.input, now));
    const start = executionStarted(
      {
        instance: { InstanceId: childId, ExecutionId: childExecution },
        parent: { Name: ctx.name, OrchestrationInstance: self, TaskScheduleId: task.id, Version: '' },
        name: task.name,
        version: task.version ?? '',
        input: task.input,
      },
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
