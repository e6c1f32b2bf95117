// Step 3 of an episode: replay the execution through the orchestrator; when it continues as new,
// start the next generation in the same episode (it replaces this one in the same checkpoint,
// RowKey 0 again) with the events it has not consumed carried over.

import { executionStarted, genericEvent, newExecutionId, orchestratorStarted, type HistoryEvent } from '../../domain/index.js';
import { executeOrchestrator, type ExecutionResult } from '../df-host.js';
import { HistoryIndex } from '../history-index.js';
import type { Registry } from '../registry.js';
import { eventsOf, type EpisodeContext, type Execution, type Outbound } from './types.js';

/**
 * Generations run in one episode before the next one is handed to a later episode, so that an
 * orchestrator continuing as new without ever waiting cannot hold its partition (and its
 * messages past their visibility) for good. The host has no cap at all; nor is this one.
 */
export const GENERATIONS_PER_EPISODE = 100;

export interface Generation {
  execution: Execution;
  result: ExecutionResult;
  /** The execution is a generation not run yet: checkpoint it and wake it in the next episode. */
  handedOver?: boolean;
}

export async function runGenerations(ctx: EpisodeContext, first: Execution, registry: Registry): Promise<Generation> {
  const fn = registry.findOrchestration(ctx.name);
  let execution = first;
  for (let round = 0; ; round++) {
    const { index } = execution;
    index.follow(execution.history, execution.newEvents);
    const result = fn
      ? await executeOrchestrator(fn, {
          name: ctx.name,
          instanceId: ctx.instanceId,
          parentInstanceId: ctx.parent?.OrchestrationInstance?.InstanceId,
          input: execution.start.Input as string | null,
          history: index.events,
          index,
          now: ctx.now,
          log: ctx.log,
          sessions: ctx.sessions,
        })
      : failedResult(`The orchestrator function '${ctx.name}' is not registered with this worker.`);
    if (result.continueAsNewInput === undefined) return { execution, result };
    execution = nextGeneration(ctx, execution, result);
    if (round + 1 >= GENERATIONS_PER_EPISODE) {
      // Its status so far is the one the previous generation set (the host carries it over too).
      const waiting: ExecutionResult = { done: false, customStatus: result.customStatus, newTasks: [], unconsumedEvents: new Map() };
      return { execution, result: waiting, handedOver: true };
    }
    // Let lease renewals, other instances and the HTTP API run between generations.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function nextGeneration(ctx: EpisodeContext, previous: Execution, result: ExecutionResult): Execution {
  const executionId = newExecutionId();
  const start = executionStarted(
    {
      instance: { InstanceId: ctx.instanceId, ExecutionId: executionId },
      parent: ctx.parent,
      name: ctx.name,
      version: ctx.version,
      input: result.continueAsNewInput ?? null,
      tags: (previous.start.Tags as Record<string, string> | null | undefined) ?? null,
    },
    ctx.now,
  );
  const carried = carryOver(eventsOf(previous), result.unconsumedEvents);
  return {
    executionId,
    history: [],
    newEvents: [orchestratorStarted(ctx.now), start, ...carried],
    start,
    continued: true,
    index: HistoryIndex.over([]),
  };
}

/** A message to self whose only effect is that a later episode runs the handed-over generation. */
export function wakeUp(ctx: EpisodeContext, execution: Execution): Outbound {
  const event = genericEvent('continue-as-new: the generation checkpointed last runs now', ctx.now);
  return { instance: { InstanceId: ctx.instanceId, ExecutionId: execution.executionId }, event };
}

function failedResult(message: string): ExecutionResult {
  return {
    done: true,
    failure: { ErrorType: 'OrchestratorNotFound', ErrorMessage: message },
    customStatus: undefined,
    newTasks: [],
    unconsumedEvents: new Map(),
  };
}

/** The newest `count` EventRaised events of each unconsumed name, in their original order. */
function carryOver(events: HistoryEvent[], unconsumed: Map<string, number>): HistoryEvent[] {
  const keep = new Set<HistoryEvent>();
  for (const [name, count] of unconsumed) {
    events
      .filter((e) => e.EventType === 'EventRaised' && e.Name === name)
      .slice(-count)
      .forEach((e) => keep.add(e));
  }
  return events.filter((e) => keep.has(e));
}
