// Builds the checkpoint plan every ending of an episode shares: the execution's new events, what to
// send, and the Instances row update (with the start columns when the execution began here).

import type { InstanceUpdate } from '../../storage/port.js';
import type { HistoryEvent } from '../../domain/index.js';
import type { CheckpointPlan, EpisodeContext, Execution, Outbound } from './types.js';

type StatusFields = Omit<InstanceUpdate, 'instanceId' | 'name' | 'version' | 'lastUpdatedTime' | 'executionId'>;

export interface Sends {
  workItems?: HistoryEvent[];
  outbound?: Outbound[];
  childRows?: InstanceUpdate[];
}

function startColumns(start: HistoryEvent) {
  return {
    input: (start.Input as string | null | undefined) ?? null,
    createdTime: new Date(start.Timestamp),
    ...(typeof start.Generation === 'number' ? { generation: start.Generation } : {}),
    ...(start.Tags && typeof start.Tags === 'object' ? { tags: start.Tags as Record<string, string> } : {}),
  };
}

export function checkpointPlan(ctx: EpisodeContext, execution: Execution, status: StatusFields, sends: Sends = {}): CheckpointPlan {
  // A generation begun by continue-as-new was created now; a fresh start keeps the client's time.
  const columns = execution.continued
    ? { ...startColumns(execution.start), createdTime: ctx.now }
    : ctx.freshStart
      ? startColumns(execution.start)
      : {};
  return {
    kind: 'checkpoint',
    executionId: execution.executionId,
    existingCount: execution.history.length,
    newEvents: execution.newEvents,
    workItems: sends.workItems ?? [],
    outbound: [...ctx.rearmed, ...(sends.outbound ?? [])],
    childRows: sends.childRows ?? [],
    update: {
      instanceId: ctx.instanceId,
      name: ctx.name,
      version: ctx.version,
      lastUpdatedTime: ctx.now,
      executionId: execution.executionId,
      ...columns,
      ...status,
    },
  };
}
