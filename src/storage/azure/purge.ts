// Purging instances: history rows, blobs under the instance's own folder, then the Instances row
// (last, so an interrupted purge is found and finished by the next one).

import type { InstanceQuery, PurgeFilter } from '../port.js';
import type { HistoryTable } from './history-table.js';
import type { InstancesTable } from './instances-table.js';
import { escapeKey } from './keys.js';
import type { LargeMessages } from './large-messages.js';

const PURGE_CONCURRENCY = 32;
const PURGE_PAGE_SIZE = 500;

export class InstancePurge {
  constructor(
    private readonly instances: InstancesTable,
    private readonly history: HistoryTable,
    private readonly large: LargeMessages,
  ) {}

  async purgeInstance(instanceId: string): Promise<number> {
    const row = await this.instances.getRow(instanceId, { fetchInput: false });
    if (!row) return 0;
    // Counted by whoever removes the row: of several purges of one instance at once, one reports it.
    return (await this.deleteInstanceData(instanceId, await this.large.exists())) ? 1 : 0;
  }

  async purgeInstances(filter: PurgeFilter, onProgress?: (deleted: number) => void): Promise<number> {
    // Checked once: most hubs never had a large message, and listing blobs per instance is costly.
    const withBlobs = await this.large.exists();
    let deleted = 0;
    let token: string | undefined;
    const query: InstanceQuery = { ...filter, fetchInput: false, fetchOutput: false };
    do {
      const page = await this.instances.query(query, PURGE_PAGE_SIZE, token);
      const ids = page.items.map((s) => s.instanceId);
      // A fixed number of deletions in flight, not batches that wait for their slowest member.
      await Promise.all(
        Array.from({ length: Math.min(PURGE_CONCURRENCY, ids.length) }, async () => {
          for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
            if (!(await this.deleteInstanceData(id, withBlobs))) continue;
            deleted++;
            onProgress?.(deleted);
          }
        }),
      );
      token = page.continuationToken;
    } while (token);
    return deleted;
  }

  /** False when the Instances row was gone by the end: another purge removed it first. */
  private async deleteInstanceData(instanceId: string, withBlobs: boolean): Promise<boolean> {
    const prefixes = withBlobs ? new Set([`${instanceId}/`, `${escapeKey(instanceId)}/`]) : new Set<string>();
    await Promise.all([...[...prefixes].map((prefix) => this.large.deleteUnder(prefix)), this.history.deleteInstance(instanceId)]);
    return this.instances.delete(instanceId);
  }
}
