// Provider-style rewind of a Failed instance (the path Durable Functions drives on Azure Storage),
// as a pure function over one instance's history rows: failure rows of the current execution
// become GenericEvent rows with Reason "Rewound: <type>", and failed sub-orchestrations are named
// so the adapter can rewind them too. The adapter applies the edits, sets the rows Pending and
// pokes every leaf with a GenericEvent message.

import { fieldText } from '../../domain/index.js';
import type { HistoryRow } from './history-table.js';

const FAILED_TYPES = new Set(['TaskFailed', 'SubOrchestrationInstanceFailed']);
const SCHEDULING_TYPES = new Set(['TaskScheduled', 'SubOrchestrationInstanceCreated']);

export interface RewindEdits {
  /** Rows to replace (each keeps the ETag it was read with). */
  rows: HistoryRow[];
  /** Sub-orchestrations whose failure this instance saw; rewound when they are Failed themselves. */
  failedChildren: string[];
}

function markRewound(row: HistoryRow, changeType: boolean): HistoryRow {
  const original = String(row.EventType);
  return { ...row, ...(changeType ? { EventType: 'GenericEvent' } : {}), Reason: `Rewound: ${original}` };
}

export function rewindEdits(rows: readonly HistoryRow[]): RewindEdits {
  const edits = new Map<string, HistoryRow>();
  const failedChildren: string[] = [];
  for (const row of rows) {
    const type = String(row.EventType);
    const failedCompletion = type === 'ExecutionCompleted' && row.OrchestrationStatus === 'Failed';
    if (!FAILED_TYPES.has(type) && !failedCompletion) continue;
    edits.set(row.rowKey, markRewound(row, true));
    const scheduledId = Number(row.TaskScheduledId);
    const scheduled = rows.find((r) => Number(r.EventId) === scheduledId && SCHEDULING_TYPES.has(String(r.EventType)));
    if (type === 'TaskFailed' && scheduled) edits.set(scheduled.rowKey, markRewound(scheduled, true));
    if (type === 'SubOrchestrationInstanceFailed' && scheduled) {
      edits.set(scheduled.rowKey, markRewound(scheduled, false));
      const child = fieldText(scheduled.InstanceId);
      if (child) failedChildren.push(child);
    }
  }
  return { rows: [...edits.values()], failedChildren };
}
