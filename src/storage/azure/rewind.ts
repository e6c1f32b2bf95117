// Provider-style rewind of a Failed instance (the path Durable Functions drives on Azure Storage):
// failure rows of the current execution become GenericEvent rows with Reason "Rewound: <type>",
// failed sub-orchestrations are rewound recursively, the row goes back to Pending and every leaf
// gets a GenericEvent message so a worker replays the edited history.

import { genericEvent } from '../../domain/index.js';
import type { HistoryRow } from './history-table.js';
import type { AzureManagementStore } from './management-store.js';

const FAILED_TYPES = new Set(['TaskFailed', 'SubOrchestrationInstanceFailed']);

function markRewound(row: HistoryRow, changeType: boolean): HistoryRow {
  const original = String(row.EventType);
  return { ...row, ...(changeType ? { EventType: 'GenericEvent' } : {}), Reason: `Rewound: ${original}` };
}

export async function rewindInstance(store: AzureManagementStore, instanceId: string, reason: string): Promise<void> {
  const leaves: string[] = [];
  await rewindTree(store, instanceId, leaves);
  const now = new Date();
  for (const leaf of leaves) await store.sendEvent(leaf, genericEvent(reason, now));
}

async function rewindTree(store: AzureManagementStore, instanceId: string, leaves: string[]): Promise<void> {
  const { rows } = await store.history.read(instanceId);
  const edits = new Map<string, HistoryRow>();
  let failedChildren = 0;
  for (const row of rows) {
    const type = String(row.EventType);
    const failedCompletion = type === 'ExecutionCompleted' && row.OrchestrationStatus === 'Failed';
    if (!FAILED_TYPES.has(type) && !failedCompletion) continue;
    edits.set(row.rowKey, markRewound(row, true));
    const scheduledId = Number(row.TaskScheduledId);
    const scheduled = rows.find(
      (r) => Number(r.EventId) === scheduledId && /^(TaskScheduled|SubOrchestrationInstanceCreated)$/.test(String(r.EventType)),
    );
    if (type === 'TaskFailed' && scheduled) edits.set(scheduled.rowKey, markRewound(scheduled, true));
    if (type === 'SubOrchestrationInstanceFailed' && scheduled) {
      edits.set(scheduled.rowKey, markRewound(scheduled, false));
      const child = String(scheduled.InstanceId ?? '');
      const childState = child ? await store.instances.get(child, { fetchInput: false }) : undefined;
      if (childState?.runtimeStatus === 'Failed') {
        failedChildren++;
        await rewindTree(store, child, leaves);
      }
    }
  }
  for (const row of edits.values()) await store.history.replaceRow(row);
  const existing = await store.instances.getRow(instanceId, { fetchInput: false });
  if (existing) {
    await store.instances.client.updateEntity(
      { partitionKey: existing.partitionKey, rowKey: '', RuntimeStatus: 'Pending', LastUpdatedTime: new Date() },
      'Merge',
      { etag: '*' },
    );
  }
  if (failedChildren === 0) leaves.push(instanceId);
}
