// One orchestration episode, decided without touching storage: given the loaded history and the
// new control messages of one instance, say what to append, what to send and how the Instances row
// changes. The dispatcher (orchestration-dispatcher.ts) does the I/O around it.
//
// The steps, each in src/worker/episode/: accept the messages (dedupe), terminate or suspend, run
// the orchestrator (through any continue-as-new generations), close the episode.

import type { OrchestrationMessage } from '../storage/port.js';
import { fieldText, type HistoryEvent, orchestratorStarted } from '../domain/index.js';
import { acceptMessages } from './episode/accept-messages.js';
import { completeEpisode } from './episode/completion.js';
import { terminateOrSuspend } from './episode/lifecycle.js';
import { runGenerations, wakeUp } from './episode/run-generations.js';
import type { EpisodeContext, EpisodePlan, Execution, ParentInstance } from './episode/types.js';
import type { SuspendedRun } from './df-host.js';
import { HistoryIndex, type HistoryIndexes } from './history-index.js';
import type { Registry } from './registry.js';
import type { ReplaySessions } from './replay-sessions.js';

export { MAX_TIMER_DELAY_IN_MS } from './episode/accept-messages.js';
export type { CheckpointPlan, EpisodePlan, IdlePlan, Outbound, RearmPlan } from './episode/types.js';

export interface EpisodeInput {
  instanceId: string;
  executionId: string;
  /** History of `executionId` as stored (may be empty for a fresh start). */
  history: HistoryEvent[];
  /** Messages for this execution in queue order; duplicates are filtered here. */
  messages: OrchestrationMessage[];
  registry: Registry;
  now: Date;
  log?: (level: string, message: string) => void;
  /** Orchestrator runs left suspended by earlier episodes, continued when the history continues them. */
  sessions?: ReplaySessions<SuspendedRun>;
  /** Indexes of the histories earlier episodes planned, extended instead of folded again (see history-index.ts). */
  indexes?: HistoryIndexes;
}

export async function planEpisode(input: EpisodeInput): Promise<EpisodePlan> {
  const { instanceId, executionId, history, now, indexes } = input;
  const index = indexes?.take(history) ?? HistoryIndex.over(history);
  /** The plan, with the index of the history it leads to kept for the next episode. */
  const leadingTo = <P extends EpisodePlan>(plan: P, execution?: Execution): P => {
    execution?.index.follow(execution.history, execution.newEvents);
    indexes?.keep(execution?.index ?? index);
    return plan;
  };
  if (index.ended) return leadingTo({ kind: 'idle' });
  const { accepted, rearmed } = acceptMessages(index, input.messages, now);
  const started = index.start ?? accepted.find((e) => e.EventType === 'ExecutionStarted');
  if (accepted.length === 0 || !started)
    return leadingTo(rearmed.length > 0 ? { kind: 'rearm', executionId, outbound: rearmed } : { kind: 'idle' });

  const ctx: EpisodeContext = {
    instanceId,
    now,
    name: fieldText(started.Name),
    version: fieldText(started.Version),
    parent: (started.ParentInstance as ParentInstance | null | undefined) ?? undefined,
    freshStart: accepted[0].EventType === 'ExecutionStarted',
    rearmed,
    log: input.log,
    sessions: input.sessions,
  };
  const execution: Execution = {
    executionId,
    history,
    newEvents: [orchestratorStarted(now), ...accepted],
    start: started,
    continued: false,
    index,
  };
  const ended = terminateOrSuspend(ctx, execution, accepted);
  if (ended) return leadingTo(ended, execution);
  const last = await runGenerations(ctx, execution, input.registry);
  const plan = completeEpisode(ctx, last.execution, last.result);
  if (last.handedOver && plan.update.runtimeStatus === 'Running') plan.outbound.push(wakeUp(ctx, last.execution));
  return leadingTo(plan, last.execution);
}
