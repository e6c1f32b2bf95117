// The emulator's share of an episode's commit, measured without taskhub: the same requests an
// episode of a long history makes to its History partition, sent straight with @azure/data-tables
// to a partition of N rows. The commit of one episode is O(1) requests (one entity-group batch of
// the new rows plus the ETag-guarded sentinel merge, one Instances upsert, one queue delete), but
// Azurite as published (LokiJS) finds a row by taking every row of its partition from the
// PartitionKey index and comparing RowKeys, once or twice per operation: the same batch costs it
// time in N. The embedded emulator runs with bin/azurite-lokijs.cjs, which starts such lookups from
// the RowKey index; standalone, this prints both.
// Standalone: npx tsx bench/azurite-partition-probe.ts [sizes...] (default 1000 10000)
import { pathToFileURL } from 'node:url';
import { TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { startAzurite } from '../src/storage/azure/azurite.js';
import { cpuSecondsOf, percentile } from './scale-support.js';

const PARTITION = 'probe';
const SENTINEL = 'sentinel';
const rowKeyOf = (index: number) => index.toString(16).toUpperCase().padStart(16, '0');

export interface PartitionProbe {
  rows: number;
  /** Median ms of the episode commit's batch: 3 new rows and the sentinel merged under its ETag. */
  batchMs: number;
  /** Azurite's CPU per batch (ms, mean), when its process id was given. */
  batchCpuMs?: number;
  /** Median ms of a point read of the sentinel. */
  pointReadMs: number;
}

const eventRow = (index: number): TableEntity<Record<string, unknown>> => ({
  partitionKey: PARTITION,
  rowKey: rowKeyOf(index),
  ExecutionId: 'probe-execution',
  EventType: 'EventRaised',
  EventId: -1,
  _Timestamp: new Date(),
  IsPlayed: false,
  Name: 'Tick',
  Input: String(index),
});

/** Grows one partition to each size in turn and times the commit's requests against it. */
export async function probePartitionSizes(
  connectionString: string,
  sizes: number[],
  options: { samples?: number; azuritePid?: number } = {},
): Promise<PartitionProbe[]> {
  const samples = options.samples ?? 30;
  const pid = options.azuritePid;
  const table = TableClient.fromConnectionString(connectionString, `Probe${Date.now()}`, { allowInsecureConnection: true });
  await table.createTable();
  let rows = 0;
  let etag = (await table.createEntity({ partitionKey: PARTITION, rowKey: SENTINEL, ExecutionId: 'probe-execution' })).etag;
  const out: PartitionProbe[] = [];
  try {
    for (const size of sizes) {
      while (rows < size) {
        const count = Math.min(100, size - rows);
        await table.submitTransaction(Array.from({ length: count }, (_, i): TransactionAction => ['create', eventRow(rows + i)]));
        rows += count;
      }
      const batch: number[] = [];
      const read: number[] = [];
      let batchCpuSeconds = 0;
      for (let i = 0; i < samples; i++) {
        const actions: TransactionAction[] = [0, 1, 2].map((k) => ['upsert', eventRow(rows + k), 'Replace']);
        actions.push(['update', { partitionKey: PARTITION, rowKey: SENTINEL, IsCheckpointComplete: true }, 'Merge', { etag }]);
        const cpu = pid ? cpuSecondsOf(pid) : 0;
        let began = performance.now();
        const response = await table.submitTransaction(actions);
        batch.push(performance.now() - began);
        if (pid) batchCpuSeconds += cpuSecondsOf(pid) - cpu;
        etag = response.subResponses.at(-1)?.etag ?? etag;
        rows += 3;
        began = performance.now();
        await table.getEntity(PARTITION, SENTINEL);
        read.push(performance.now() - began);
      }
      out.push({
        rows: size,
        batchMs: percentile(batch, 50),
        ...(pid ? { batchCpuMs: (batchCpuSeconds * 1000) / samples } : {}),
        pointReadMs: percentile(read, 50),
      });
    }
  } finally {
    await table.deleteTable().catch(() => undefined);
  }
  return out;
}

export function describeProbe(probes: PartitionProbe[]): string {
  return probes
    .map(
      (p) =>
        `partition of ${p.rows} rows: batch ${p.batchMs.toFixed(1)} ms` +
        `${p.batchCpuMs !== undefined ? ` (Azurite CPU ${p.batchCpuMs.toFixed(1)} ms)` : ''}, point read ${p.pointReadMs.toFixed(1)} ms`,
    )
    .join('; ');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  for (const [label, withoutLokiFixes] of [
    ['as published', true],
    ['as taskhub runs it', false],
  ] as const) {
    const azurite = await startAzurite({ withoutLokiFixes });
    try {
      const probes = await probePartitionSizes(azurite.connectionString, sizes.length > 0 ? sizes : [1000, 10_000], {
        azuritePid: azurite.pid,
      });
      console.log(`Azurite ${label}, the commit's History batch (3 rows + sentinel merge): ${describeProbe(probes)}`);
    } finally {
      await azurite.stop();
    }
  }
}
