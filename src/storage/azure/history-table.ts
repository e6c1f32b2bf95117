// The `{hub}History` table: one row per event (RowKey = 16 hex digits of its position in the
// execution) plus a `sentinel` row holding the current ExecutionId and the checkpoint ETag.

import { odata, type TableClient, type TableEntity, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { CheckpointConflict, fieldText, type HistoryEvent } from '../../domain/index.js';
import { ignoreNotFound, isConflict, isNotFound, sdkErrorStatus } from './clients.js';
import { escapeKey } from './keys.js';
import { exceedsTableLimit, randomHex, type LargeMessages } from './large-messages.js';
import { int32 } from './instances-table.js';

export type HistoryRow = TableEntityResult<Record<string, unknown>> & { partitionKey: string; rowKey: string };

/** One execution's history as stored, with what the next guarded checkpoint needs. */
export interface StoredHistory {
  events: HistoryEvent[];
  rows: HistoryRow[];
  /** The current execution as recorded by the sentinel row (undefined when there is no history). */
  executionId?: string;
  /** ETag of the sentinel row, for the next guarded checkpoint. */
  sentinelETag?: string;
}

export interface CheckpointRequest {
  instanceId: string;
  executionId: string;
  /** Events already stored for this execution (their RowKeys are 0..existingCount-1). */
  existingCount: number;
  newEvents: HistoryEvent[];
  /** ETag from read(); undefined for the first checkpoint of a new execution. */
  sentinelETag?: string;
}

/**
 * A checkpoint the table service refused for a reason retrying cannot fix, with how far it got:
 * the events stored in earlier batches and the sentinel ETag they left.
 */
export class RefusedCheckpoint extends Error {
  constructor(
    readonly reason: string,
    readonly storedEvents: number,
    readonly sentinelETag: string | undefined,
  ) {
    super(reason);
  }
}

/**
 * Answers about the rows themselves, the same on every attempt: a body over the batch limit (413),
 * or a row or property the service will not store (400 with one of these codes). Other 400s (a
 * header the service does not understand) say nothing about the episode and stay retryable.
 */
const REFUSED_ROW_CODES = new Set([
  'RequestBodyTooLarge',
  'EntityTooLarge',
  'PropertyValueTooLarge',
  'PropertyNameTooLong',
  'PropertyNameInvalid',
  'TooManyProperties',
  'InvalidValueType',
  'OutOfRangeInput',
  'InvalidInput',
]);

function refusal(error: unknown): string | undefined {
  const status = sdkErrorStatus(error);
  const code = fieldText((error as { code?: unknown }).code);
  if (status !== 413 && !(status === 400 && REFUSED_ROW_CODES.has(code))) return undefined;
  const message = error instanceof Error ? error.message.split('\n')[0].slice(0, 300) : '';
  return `Azure Table storage refused the history rows (${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''})`;
}

const SENTINEL = 'sentinel';
const BATCH_EVENTS = 99;
/** The provider flushes a batch once its estimated size passes about 3 MB (Azure refuses over 4 MiB). */
const BATCH_FLUSH_BYTES = 3 * 1024 * 1024;
/** Per-operation framing of a $batch body (multipart boundary and headers). */
const OPERATION_OVERHEAD_BYTES = 1024;

/** Rows grouped into transactions of at most 99 rows and about 3 MB; always at least one (maybe empty) batch. */
function sizedBatches(rows: TableEntity<Record<string, unknown>>[]): TableEntity<Record<string, unknown>>[][] {
  const batches: TableEntity<Record<string, unknown>>[][] = [[]];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row), 'utf8') + OPERATION_OVERHEAD_BYTES;
    const current = batches[batches.length - 1];
    if (current.length > 0 && (current.length >= BATCH_EVENTS || bytes + size > BATCH_FLUSH_BYTES)) {
      batches.push([row]);
      bytes = size;
    } else {
      current.push(row);
      bytes += size;
    }
  }
  return batches;
}
/** Nested objects are stored as JSON text. */
const JSON_COLUMNS = new Set(['OrchestrationInstance', 'ParentInstance', 'Tags', 'FailureDetails', 'ParentTraceContext', 'State']);
const DATE_COLUMNS = new Set(['FireAt', 'ScheduledStartTime', 'ScheduledTime']);
const INT_COLUMNS = new Set(['TaskScheduledId', 'TimerId', 'Generation']);
const LARGE_COLUMNS = ['Name', 'Input', 'Result', 'Output', 'Reason', 'Details', 'Correlation', 'FailureDetails', 'Tags'];
const SYSTEM_COLUMNS = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp', 'odata.etag', 'odata.metadata']);

export const rowKeyOf = (index: number) => index.toString(16).toUpperCase().padStart(16, '0');

export class HistoryTable {
  /**
   * The blob each over-size property of an event went to, for events this table wrote. The
   * Instances row points its Input/Output at the same blob, as the provider's worker does
   * (SetInstancesTablePropertyFromHistoryProperty), instead of compressing the value again.
   */
  private readonly offloaded = new WeakMap<HistoryEvent, Map<string, string>>();

  constructor(
    private readonly client: TableClient,
    private readonly large: LargeMessages,
  ) {}

  async createTable(): Promise<void> {
    await this.client.createTable();
  }

  async deleteTable(): Promise<void> {
    await ignoreNotFound(this.client.deleteTable());
  }

  /** All rows of an instance in RowKey order (event rows, then the sentinel). */
  async rows(instanceId: string): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = [];
    const filter = odata`PartitionKey eq ${escapeKey(instanceId)}`;
    try {
      for await (const row of this.client.listEntities({ queryOptions: { filter } })) rows.push(row as HistoryRow);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return rows;
  }

  /** History of the current execution, or of `executionId` (empty when the sentinel names another). */
  async read(instanceId: string, executionId?: string): Promise<StoredHistory> {
    const all = await this.rows(instanceId);
    const sentinel = all.find((r) => r.rowKey === SENTINEL);
    const eventRows = all.filter((r) => r.rowKey !== SENTINEL);
    const current = (sentinel?.ExecutionId as string | undefined) ?? (eventRows[0]?.ExecutionId as string | undefined);
    const page = { executionId: current, sentinelETag: sentinel?.etag, events: [] as HistoryEvent[], rows: [] as HistoryRow[] };
    if (executionId && executionId !== current) return page;
    for (const row of eventRows) {
      if (row.ExecutionId !== current) break;
      page.rows.push(row);
      page.events.push(await this.toEvent(row));
    }
    return page;
  }

  async toEvent(row: HistoryRow): Promise<HistoryEvent> {
    const event: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(row)) {
      if (SYSTEM_COLUMNS.has(name) || name === 'ExecutionId' || name.endsWith('BlobName')) continue;
      let value: unknown = raw;
      const blobName = row[`${name}BlobName`];
      if (raw === '' && typeof blobName === 'string' && blobName) value = await this.large.download(blobName);
      if (JSON_COLUMNS.has(name) && typeof value === 'string') value = value === 'null' ? null : JSON.parse(value);
      if (value instanceof Date) value = value.toISOString();
      event[name === '_Timestamp' ? 'Timestamp' : name] = value;
    }
    return {
      ...event,
      EventType: event.EventType,
      EventId: Number(event.EventId ?? -1),
      Timestamp: fieldText(event.Timestamp),
    } as HistoryEvent;
  }

  /**
   * URL of a blob this table wrote for one of `events` whose property holds exactly `value`: the
   * Instances row can point at it rather than compress and store the same text again.
   */
  blobUrlHolding(events: readonly HistoryEvent[], value: string | null | undefined): string | undefined {
    if (typeof value !== 'string' || !exceedsTableLimit(value)) return undefined;
    for (const event of events) {
      for (const [column, blobName] of this.offloaded.get(event) ?? []) {
        if (event[column] === value) return this.large.urlOf(blobName);
      }
    }
    return undefined;
  }

  private async toRow(
    instanceId: string,
    rowKey: string,
    executionId: string,
    event: HistoryEvent,
  ): Promise<TableEntity<Record<string, unknown>>> {
    const row: TableEntity<Record<string, unknown>> = { partitionKey: escapeKey(instanceId), rowKey, ExecutionId: executionId };
    for (const [name, value] of Object.entries(event)) {
      if (value === undefined || value === null) continue;
      const column = name === 'Timestamp' ? '_Timestamp' : name;
      if (column === '_Timestamp' || DATE_COLUMNS.has(column))
        row[column] = value instanceof Date ? new Date(value) : new Date(fieldText(value));
      else if (column === 'EventId' || INT_COLUMNS.has(column)) row[column] = int32(Number(value));
      else if (JSON_COLUMNS.has(column)) row[column] = JSON.stringify(value);
      else row[column] = value;
    }
    for (const column of LARGE_COLUMNS) {
      const text = row[column];
      if (typeof text === 'string' && exceedsTableLimit(text)) {
        const blobName = `${escapeKey(instanceId)}/history-${rowKey}-${event.EventType}-${randomHex(4)}-${column}.json.gz`;
        await this.large.upload(blobName, text);
        row[column] = '';
        row[`${column}BlobName`] = blobName;
        const blobs = this.offloaded.get(event) ?? new Map<string, string>();
        this.offloaded.set(event, blobs.set(column, blobName));
      }
    }
    return row;
  }

  /**
   * Appends events in entity-group transactions guarded by the sentinel's ETag. A batch is flushed
   * at 99 rows or when its estimated size passes about 3 MB, as the provider does, so no transaction
   * reaches Azure's 4 MiB limit (Azurite does not enforce it).
   */
  async checkpoint(request: CheckpointRequest): Promise<string> {
    const { instanceId, executionId, newEvents } = request;
    const rows: TableEntity<Record<string, unknown>>[] = [];
    for (const [i, event] of newEvents.entries()) {
      rows.push(await this.toRow(instanceId, rowKeyOf(request.existingCount + i), executionId, event));
    }
    let etag = request.sentinelETag;
    let stored = 0;
    const batches = sizedBatches(rows);
    for (const [index, batch] of batches.entries()) {
      const last = index === batches.length - 1;
      const actions: TransactionAction[] = batch.map((row) => ['upsert', row, 'Replace']);
      const sentinel: TableEntity<Record<string, unknown>> = {
        partitionKey: escapeKey(instanceId),
        rowKey: SENTINEL,
        ExecutionId: executionId,
        IsCheckpointComplete: last,
        ...(last ? { CheckpointCompletedTimestamp: new Date() } : {}),
      };
      actions.push(etag ? ['update', sentinel, 'Merge', { etag }] : ['create', sentinel]);
      try {
        const response = await this.client.submitTransaction(actions);
        const sentinelResponse = response.subResponses[response.subResponses.length - 1];
        etag = sentinelResponse?.etag ?? (await this.client.getEntity(escapeKey(instanceId), SENTINEL)).etag;
        stored += batch.length;
      } catch (error) {
        if (isConflict(error)) throw new CheckpointConflict(instanceId);
        const reason = refusal(error);
        if (reason) throw new RefusedCheckpoint(reason, stored, etag);
        throw error;
      }
    }
    // No rows and no sentinel yet: no ETag, which callers read as 'create the sentinel'.
    return etag ?? '';
  }

  /** Replaces edited rows in place (rewind), each guarded by the ETag it was read with. */
  async replaceRows(rows: HistoryRow[]): Promise<void> {
    for (const row of rows) {
      const { etag, timestamp: _t, ...entity } = row;
      await this.client.updateEntity(entity, 'Replace', { etag });
    }
  }

  async deleteInstance(instanceId: string): Promise<number> {
    const rows = await this.rows(instanceId);
    for (let i = 0; i < rows.length; i += 100) {
      const actions = rows.slice(i, i + 100).map((r): TransactionAction => ['delete', { partitionKey: r.partitionKey, rowKey: r.rowKey }]);
      await this.client.submitTransaction(actions).catch(async (error: unknown) => {
        if (!isNotFound(error)) throw error;
        for (const [, entity] of actions) {
          await ignoreNotFound(this.client.deleteEntity(entity.partitionKey, entity.rowKey));
        }
      });
    }
    return rows.length;
  }
}
