// The `{hub}Instances` table: one row per instance, PartitionKey = escaped id, RowKey = ''.

import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import { DomainError, RUNTIME_STATUSES, type InstanceState, type RuntimeStatus } from '../../domain/index.js';
import type { InstanceQuery, Page } from '../port.js';
import { ignoreNotFound, isNotFound } from './clients.js';
import { escapeKey, prefixRange, unescapeKey } from './keys.js';
import type { LargeMessages } from './large-messages.js';

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

export const int32 = (value: number) => ({ value: String(value), type: 'Int32' as const });

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
  return String(value);
}

const asDate = (value: unknown) => (value instanceof Date ? value : value ? new Date(String(value)) : undefined);

export class InstancesTable {
  constructor(
    readonly client: TableClient,
    private readonly large: LargeMessages,
  ) {}

  async getRow(instanceId: string, options: { fetchInput?: boolean } = {}): Promise<InstanceRow | undefined> {
    try {
      const select = selectFor(options.fetchInput ?? true, true);
      return (await this.client.getEntity<Record<string, unknown>>(
        escapeKey(instanceId),
        '',
        select ? { queryOptions: { select } } : {},
      )) as InstanceRow;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async get(instanceId: string, options: { fetchInput?: boolean } = {}): Promise<InstanceState | undefined> {
    const row = await this.getRow(instanceId, options);
    return row && this.toState(row, options.fetchInput ?? true);
  }

  async query(query: InstanceQuery, pageSize: number, continuationToken?: string): Promise<Page<InstanceState>> {
    const fetchInput = query.fetchInput ?? true;
    const select = selectFor(fetchInput, query.fetchOutput ?? true, query.statusColumnsOnly);
    const pages = this.client
      .listEntities({ queryOptions: { filter: instanceFilter(query), ...(select ? { select } : {}) } })
      .byPage({ maxPageSize: pageSize, continuationToken: decodeToken(continuationToken) });
    const result = await pages.next();
    const page = result.done ? undefined : result.value;
    const items = page ? await Promise.all(page.map((row) => this.toState(row as InstanceRow, fetchInput))) : [];
    return { items, continuationToken: page?.continuationToken || undefined };
  }

  toState(row: InstanceRow, fetchInput: boolean): InstanceState | Promise<InstanceState> {
    const status = String(row.RuntimeStatus ?? '');
    const tags = jsonText(row.Tags);
    const input = fetchInput ? this.resolveInput(row) : null;
    const output = this.resolve(jsonText(row.Output));
    const state: InstanceState = {
      instanceId: unescapeKey(row.partitionKey),
      name: String(row.Name ?? ''),
      version: String(row.Version ?? ''),
      executionId: String(row.ExecutionId ?? ''),
      runtimeStatus: (RUNTIME_STATUSES as readonly string[]).includes(status) ? (status as RuntimeStatus) : 'Pending',
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

  /** Instances per runtime status, reading only the RuntimeStatus column of each matching row. */
  async countByStatus(query: InstanceQuery, abortSignal?: AbortSignal): Promise<Record<RuntimeStatus, number>> {
    const counts = Object.fromEntries(RUNTIME_STATUSES.map((s) => [s, 0])) as Record<RuntimeStatus, number>;
    const rows = this.client.listEntities<{ RuntimeStatus?: string }>({
      queryOptions: { filter: instanceFilter(query), select: ['RuntimeStatus'] },
      abortSignal,
    });
    for await (const page of rows.byPage({ maxPageSize: 1000 })) {
      for (const row of page) {
        const status = String(row.RuntimeStatus ?? '');
        if (status in counts) counts[status as RuntimeStatus]++;
      }
    }
    return counts;
  }

  async delete(instanceId: string): Promise<void> {
    await ignoreNotFound(this.client.deleteEntity(escapeKey(instanceId), '', { etag: '*' }));
  }
}

export function instanceFilter(query: InstanceQuery): string {
  const conditions: string[] = [odata`RowKey eq ${''}`];
  if (query.createdTimeFrom) conditions.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
  if (query.createdTimeTo) conditions.push(odata`CreatedTime le ${query.createdTimeTo}`);
  if (query.runtimeStatus?.length) {
    conditions.push(query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or '));
  }
  if (query.instanceIdPrefix) {
    const { from, to } = prefixRange(query.instanceIdPrefix);
    conditions.push(odata`PartitionKey ge ${from} and PartitionKey lt ${to}`);
  } else if (query.excludeEntities) {
    // Entity ids start with '@'; the provider's ExcludeEntities skips exactly that key range.
    conditions.push(odata`PartitionKey lt ${'@'} or PartitionKey ge ${'A'}`);
  }
  if (query.name?.exact !== undefined) conditions.push(odata`Name eq ${query.name.exact}`);
  if (query.name?.prefix) {
    const { prefix } = query.name;
    const next = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    conditions.push(odata`Name ge ${prefix} and Name lt ${next}`);
  }
  return conditions.map((c) => `(${c})`).join(' and ');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isKeyText = (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value);

/**
 * Our tokens are the SDK's; anything else is rejected before it reaches storage: exactly base64
 * JSON {nextPartitionKey, nextRowKey?} of well-formed strings.
 */
function decodeToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw new Error('not base64');
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { nextPartitionKey, nextRowKey, ...rest } = parsed as Record<string, unknown>;
      const valid = isKeyText(nextPartitionKey) && (nextRowKey === undefined || isKeyText(nextRowKey));
      if (valid && Object.keys(rest).length === 0) return token;
    }
  } catch {
    // fall through
  }
  throw new DomainError('BadRequest', 'The x-ms-continuation-token is not one this server issued.');
}
