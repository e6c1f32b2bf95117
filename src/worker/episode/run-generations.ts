// Step 3 of an episode: replay the execution through the orchestrator; when it continues as new,
// start the next generation in the same episode (it replaces this one in the same checkpoint,
// RowKey 0 again) with the events it has not consumed carried over.

import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '../../storage/types.js';
import { executeOrchestrator, type ExecutionResult } from '../df-host.js';
import { historyEvent } from '../events.js';
import type { Registry } from '../registry.js';
import { eventsOf, type EpisodeContext, type Execution } from './types.js';

/** Guards against orchestrators that continue as new without ever waiting. */
const MAX_CONTINUATIONS_PER_EPISODE = 100;

const newExecutionId = () => randomUUID().replace(/-/g, '');

export interface Generation {
  execution: Execution;
  result: ExecutionResult;
}

export async function runGenerations(ctx: EpisodeContext, first: Execution, registry: Registry): Promise<Generation> {
  const fn = registry.findOrchestration(ctx.name);
  let execution = first;
  for (let round = 0; ; round++) {
    const result = fn
      ? await executeOrchestrator(fn, {
          name: ctx.name,
          instanceId: ctx.instanceId,
          parentInstanceId: ctx.parent?.OrchestrationInstance?.InstanceId,
          input: execution.start.Input as string | null,
          history: eventsOf(execution),
          now: ctx.now,
          log: ctx.log,
        })
      : failedResult(`The orchestrator function '${ctx.name}' is not registered with this worker.`);
    if (result.continueAsNewInput === undefined) return { execution, result };
    if (round >= MAX_CONTINUATIONS_PER_EPISODE) {
      return { execution, result: failedResult(`The orchestrator continued as new ${round} times without waiting for anything.`) };
    }
    execution = nextGeneration(ctx, execution, result);
  }
}

function nextGeneration(ctx: EpisodeContext, previous: Execution, result: ExecutionResult): Execution {
  const executionId = newExecutionId();
  const start = historyEvent(
    'ExecutionStarted',
    {
      OrchestrationInstance: { InstanceId: ctx.instanceId, ExecutionId: executionId },
      ParentInstance: ctx.parent ?? null,
      Name: ctx.name,
      Version: ctx.version,
      Input: result.continueAsNewInput,
      Tags: previous.start.Tags ?? null,
    },
    -1,
    ctx.now,
  );
  const carried = carryOver(eventsOf(previous), result.unconsumedEvents);
  return { executionId, history: [], newEvents: [historyEvent('OrchestratorStarted', {}, -1, ctx.now), start, ...carried], start, continued: true };
}

function failedResult(message: string): ExecutionResult {
  return { done: true, failure: { ErrorType: 'OrchestratorNotFound', ErrorMessage: message }, customStatus: undefined, newTasks: [], unconsumedEvents: new Map() };
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
