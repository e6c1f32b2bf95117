// The `{hub}Instances` table: one row per instance, PartitionKey = escaped id, RowKey = ''.
// Every read and every write of the table lives here (start rows, worker status updates, rewind).

import type { TableClient, TableEntity, TableEntityResult } from '@azure/data-tables';
import {
  DomainError,
  fieldText,
  isTerminal,
  isRuntimeStatus,
  UNKNOWN_RUNTIME_STATUS,
  type InstanceState,
  type RuntimeStatus,
} from '../../domain/index.js';
import type { CreateInstanceRequest, InstanceQuery, InstanceUpdate, Page } from '../port.js';
import { ignoreNotFound, isConflict } from './clients.js';
import { decodeToken, finishedSinceFilter, instanceFilter } from './instance-query.js';
import { escapeKey, unescapeKey } from './keys.js';
import type { PointRead } from './point-read.js';
import { countStatuses, type StatusCountOptions } from './status-count-scan.js';
import { exceedsTableLimit, instanceColumnBlobName, type LargeMessages } from './large-messages.js';

export type InstanceRow = TableEntityResult<Record<string, unknown>> & { partitionKey: string; rowKey: string };

const STATUS_COLUMNS = [
  'PartitionKey',
  'RowKey',
  'Name',
  'Version',
  'ExecutionId',
  'Output',
  'CustomStatus',
  'RuntimeStatus',
  'CreatedTime',
  'LastUpdatedTime',
  'CompletedTime',
  'ScheduledStartTime',
  'Generation',
  'Tags',
  'TaskHubName',
];

/**
 * An Edm.Int32 column: a JSON number with the type annotation, as the service's JSON format and the
 * SDK's Edm<'Int32'> have it (an integral number without the annotation could be read as a Double).
 */
export const int32 = (value: number) => ({ value, type: 'Int32' as const });

/** What a status object shows; the other columns are bookkeeping. */
const VIEW_COLUMNS = new Set(['PartitionKey', 'Name', 'Output', 'CustomStatus', 'RuntimeStatus', 'CreatedTime', 'LastUpdatedTime']);

/** Columns to read; undefined means all. */
function selectFor(fetchInput: boolean, fetchOutput: boolean, statusColumnsOnly = false): string[] | undefined {
  if (fetchInput && fetchOutput && !statusColumnsOnly) return undefined;
  const columns = STATUS_COLUMNS.filter((c) => (fetchOutput || c !== 'Output') && (!statusColumnsOnly || VIEW_COLUMNS.has(c)));
  return fetchInput ? [...columns, 'Input', 'InputBlobName'] : columns;
}

/** Absent, null and the literal "null" all mean "no value" for JSON-text columns. */
function jsonText(value: unknown): string | null {
  if (value === undefined || value === null || value === 'null') return null;
  return fieldText(value);
}

/**
 * Up to this many ids are point reads; more are one query over the key range they span (filtered
 * by status and write time on the server, so only newly finished rows come back).
 */
const POINT_READS_UP_TO = 2;

/** Keys past the basic plane sort differently in UTF-16 and in code points: no range for those. */
const BEYOND_BMP = /[\ud800-\udfff]/;

const asDate = (value: unknown) => (value instanceof Date ? value : value ? new Date(fieldText(value)) : undefined);

/** The states of a page, once those whose columns are read from blobs are in (most are ready at once). */
const allStates = (states: (InstanceState | Promise<InstanceState>)[]): Promise<InstanceState[]> =>
  Promise.all(states.map((state) => Promise.resolve(state)));

export class InstancesTable {
  constructor(
    private readonly client: TableClient,
    /** Point reads of this table's rows (`client`'s pipeline without its operation layer). */
    private readonly pointRead: PointRead,
    private readonly large: LargeMessages,
    private readonly hubName: string,
  ) {}

  async createTable(): Promise<void> {
    await this.client.createTable();
  }

  async deleteTable(): Promise<void> {
    await ignoreNotFound(this.client.deleteTable());
  }

  async getRow(instanceId: string, options: { fetchInput?: boolean } = {}): Promise<InstanceRow | undefined> {
    const select = selectFor(options.fetchInput ?? true, true);
    return (await this.pointRead(escapeKey(instanceId), '', select ? { select } : undefined)) as InstanceRow | undefined;
  }

  async get(instanceId: string, options: { fetchInput?: boolean } = {}): Promise<InstanceState | undefined> {
    const row = await this.getRow(instanceId, options);
    return row && this.toState(row, options.fetchInput ?? true);
  }

  async finishedAmong(instanceIds: readonly string[], changedSince: Date): Promise<Map<string, InstanceState>> {
    const keys = [...new Set(instanceIds.map(escapeKey))];
    const found = new Map<string, InstanceState>();
    const keep = (state: InstanceState | undefined) => {
      if (state && isTerminal(state.runtimeStatus)) found.set(state.instanceId, state);
    };
    if (keys.length <= POINT_READS_UP_TO) {
      await Promise.all(keys.map(async (key) => keep(await this.get(unescapeKey(key)))));
      return found;
    }
    let from = keys[0];
    let to = keys[0];
    for (const key of keys) {
      if (key < from) from = key;
      if (key > to) to = key;
    }
    const range = keys.some((key) => BEYOND_BMP.test(key)) ? undefined : { from, to };
    const wanted = new Set(keys);
    // Whole rows: the answer of a waiter needs no second read. Rows of other instances that
    // finished in the range are skipped before their blobs are resolved.
    const rows = this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter: finishedSinceFilter(range, changedSince) } });
    const states: (InstanceState | Promise<InstanceState>)[] = [];
    for await (const page of rows.byPage({ maxPageSize: 1000 })) {
      for (const row of page) if (wanted.has(String(row.partitionKey))) states.push(this.toState(row as InstanceRow, true));
    }
    for (const state of await allStates(states)) keep(state);
    return found;
  }

  async query(query: InstanceQuery, pageSize: number, continuationToken?: string): Promise<Page<InstanceState>> {
    const fetchInput = query.fetchInput ?? true;
    const select = selectFor(fetchInput, query.fetchOutput ?? true, query.statusColumnsOnly);
    const pages = this.client
      .listEntities({ queryOptions: { filter: instanceFilter(query), ...(select ? { select } : {}) } })
      .byPage({ maxPageSize: pageSize, continuationToken: decodeToken(continuationToken) });
    const result = await pages.next();
    const page = result.done ? undefined : result.value;
    const items = page ? await allStates(page.map((row) => this.toState(row as InstanceRow, fetchInput))) : [];
    return { items, continuationToken: page?.continuationToken || undefined };
  }

  toState(row: InstanceRow, fetchInput: boolean): InstanceState | Promise<InstanceState> {
    const status = fieldText(row.RuntimeStatus);
    const tags = jsonText(row.Tags);
    const input = fetchInput ? this.resolveInput(row) : null;
    const output = this.resolve(jsonText(row.Output));
    const state: InstanceState = {
      instanceId: unescapeKey(row.partitionKey),
      name: fieldText(row.Name),
      version: fieldText(row.Version),
      executionId: fieldText(row.ExecutionId),
      runtimeStatus: isRuntimeStatus(status) ? status : UNKNOWN_RUNTIME_STATUS,
      input: null,
      output: null,
      customStatus: jsonText(row.CustomStatus),
      createdTime: asDate(row.CreatedTime) ?? new Date(0),
      lastUpdatedTime: asDate(row.LastUpdatedTime) ?? asDate(row.timestamp) ?? new Date(0),
      completedTime: asDate(row.CompletedTime),
      scheduledStartTime: asDate(row.ScheduledStartTime),
      generation: Number(row.Generation ?? 0),
      tags: tags ? (JSON.parse(tags) as Record<string, string>) : undefined,
    };
    if (input instanceof Promise || output instanceof Promise) {
      return Promise.all([input, output]).then(([i, o]) => ({ ...state, input: i, output: o }));
    }
    return { ...state, input, output };
  }

  private resolveInput(row: InstanceRow): string | null | Promise<string | null> {
    const input = jsonText(row.Input);
    if (!input && typeof row.InputBlobName === 'string' && row.InputBlobName) {
      return this.large.download(row.InputBlobName);
    }
    return this.resolve(input);
  }

  /** Inline JSON text, or a blob URL: `...ExecutionStarted.json.gz` holds a whole start message. */
  resolve(value: string | null): string | null | Promise<string | null> {
    const blobName = value ? this.large.blobNameFromUrl(value) : undefined;
    // Synchronous for inline values: a page of a thousand rows should not cost a thousand promises.
    return blobName ? this.fromBlob(blobName) : value;
  }

  private async fromBlob(blobName: string): Promise<string | null> {
    const text = await this.large.download(blobName);
    if (!blobName.endsWith('ExecutionStarted.json.gz')) return text;
    const message = JSON.parse(text) as { TaskMessage?: { Event?: { Input?: string | null } } };
    return message.TaskMessage?.Event?.Input ?? null;
  }

  /** Instances per runtime status, reading only the RuntimeStatus column (and a few keys) of matching rows. */
  async countByStatus(query: InstanceQuery, options: StatusCountOptions = {}): Promise<Record<RuntimeStatus, number>> {
    return countStatuses(this.client, query, options);
  }

  /** True when this call removed the row; false when it was gone already (a purge running alongside). */
  delete(instanceId: string): Promise<boolean> {
    return ignoreNotFound(this.client.deleteEntity(escapeKey(instanceId), '', { etag: '*' }));
  }

  /**
   * The Pending row of a new execution. The Input column points at the start message's blob when
   * the message went to one (as the provider does), else holds the input (over-size: its own blob).
   * Replaces `existing` guarded by its ETag; throws InstanceStateConflict when a concurrent start
   * of the same id wrote first.
   */
  async writeStartRow(
    request: CreateInstanceRequest,
    startBlobUrl: string | undefined,
    existing: InstanceRow | undefined,
    at: Date,
  ): Promise<void> {
    let input = startBlobUrl ?? request.input;
    if (!startBlobUrl && input !== null && exceedsTableLimit(input)) {
      input = await this.large.upload(instanceColumnBlobName(escapeKey(request.instanceId), 'Input'), input);
    }
    const row: TableEntity<Record<string, unknown>> = {
      partitionKey: escapeKey(request.instanceId),
      rowKey: '',
      Input: input ?? undefined,
      CreatedTime: at,
      Name: request.name,
      Version: request.version,
      RuntimeStatus: 'Pending',
      LastUpdatedTime: at,
      TaskHubName: this.hubName,
      ScheduledStartTime: request.scheduledStartTime,
      ExecutionId: request.executionId,
      Generation: int32(nextGeneration(existing)),
      Tags: request.tags ? JSON.stringify(request.tags) : 'null',
      CustomStatus: 'null',
    };
    const write = existing ? this.client.updateEntity(row, 'Replace', { etag: existing.etag }) : this.client.createEntity(row);
    // Insert-if-absent, or replace only the row that was read (ETag): of concurrent starts of one id
    // exactly one writes its row. The others' start messages are already queued; the worker drops a
    // start whose execution id is not the row's, so only the winner's input runs.
    await write.catch((error: unknown) => {
      if (!isConflict(error)) throw error;
      throw new DomainError('InstanceStateConflict', `Instance '${request.instanceId}' was started by another request at the same time.`);
    });
  }

  /**
   * Merges the columns given (upsert); other columns keep their value. Idempotent. `blobUrls`
   * names blobs that already hold the input or output (a history row's), used instead of
   * uploading the value again.
   */
  async update(update: InstanceUpdate, blobUrls: { input?: string; output?: string } = {}): Promise<void> {
    const row: TableEntity<Record<string, unknown>> = {
      partitionKey: escapeKey(update.instanceId),
      rowKey: '',
      ExecutionId: update.executionId,
      Name: update.name,
      Version: update.version,
      RuntimeStatus: update.runtimeStatus,
      LastUpdatedTime: update.lastUpdatedTime,
      TaskHubName: this.hubName,
    };
    if (update.input !== undefined) row.Input = blobUrls.input ?? (await this.largeColumn(update.instanceId, 'Input', update.input));
    if (update.output !== undefined) row.Output = blobUrls.output ?? (await this.largeColumn(update.instanceId, 'Output', update.output));
    if (update.customStatus !== undefined) row.CustomStatus = update.customStatus ?? 'null';
    if (update.createdTime) row.CreatedTime = update.createdTime;
    if (update.completedTime) row.CompletedTime = update.completedTime;
    if (update.generation !== undefined) row.Generation = int32(update.generation);
    if (update.tags !== undefined) row.Tags = JSON.stringify(update.tags);
    await this.client.upsertEntity(row, 'Merge');
  }

  /** Rewind: the row goes back to Pending (no-op when there is no row). */
  async markPending(instanceId: string): Promise<void> {
    const existing = await this.getRow(instanceId, { fetchInput: false });
    if (!existing) return;
    const row: TableEntity<Record<string, unknown>> = {
      partitionKey: existing.partitionKey,
      rowKey: '',
      RuntimeStatus: 'Pending',
      LastUpdatedTime: new Date(),
    };
    await this.client.updateEntity(row, 'Merge', { etag: '*' });
  }

  /** Over-size values go to a blob and the column holds its URL (as the provider's worker does). */
  private async largeColumn(instanceId: string, column: string, value: string | null): Promise<string> {
    // Merge cannot remove a column; the literal "null" reads back as no value everywhere.
    if (value === null) return 'null';
    if (!exceedsTableLimit(value)) return value;
    return this.large.upload(instanceColumnBlobName(escapeKey(instanceId), column), value);
  }
}

/** Restarts of an instance id count generations up from 0. */
export const nextGeneration = (existing: InstanceRow | undefined) => (existing ? Number(existing.Generation ?? 0) + 1 : 0);
