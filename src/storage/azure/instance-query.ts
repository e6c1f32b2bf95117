// OData filters and continuation tokens for listing the Instances table.

import { odata } from '@azure/data-tables';
import { DomainError, TERMINAL_STATUSES } from '../../domain/index.js';
import type { InstanceQuery } from '../port.js';
import { prefixRange } from './keys.js';

export function instanceFilter(query: InstanceQuery): string {
  return andAll(instanceConditions(query));
}

/**
 * The list filter's conditions, cheapest first: a store that evaluates them row by row (Azurite
 * does, with no index) stops at the first false one, and comparing dates there costs several
 * times a string comparison. Key ranges lead, the created-time window comes last.
 */
export function instanceConditions(query: InstanceQuery): string[] {
  const conditions: string[] = [odata`RowKey eq ${''}`];
  if (query.instanceIdPrefix) {
    const { from, to } = prefixRange(query.instanceIdPrefix);
    conditions.push(odata`PartitionKey ge ${from} and PartitionKey lt ${to}`);
  } else if (query.excludeEntities) {
    // Entity ids start with '@'; the provider's ExcludeEntities skips exactly that key range.
    conditions.push(odata`PartitionKey lt ${'@'} or PartitionKey ge ${'A'}`);
  }
  if (query.runtimeStatus?.length) {
    conditions.push(query.runtimeStatus.map((s) => odata`RuntimeStatus eq ${s}`).join(' or '));
  }
  if (query.name?.exact !== undefined) conditions.push(odata`Name eq ${query.name.exact}`);
  if (query.name?.prefix) {
    const { prefix } = query.name;
    const next = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    conditions.push(odata`Name ge ${prefix} and Name lt ${next}`);
  }
  if (query.createdTimeFrom) conditions.push(odata`CreatedTime ge ${query.createdTimeFrom}`);
  if (query.createdTimeTo) conditions.push(odata`CreatedTime le ${query.createdTimeTo}`);
  return conditions;
}

/** Conditions joined by `and`, each parenthesised (an `or` inside one stays inside it). */
export const andAll = (conditions: readonly string[]): string => conditions.map((c) => `(${c})`).join(' and ');

/**
 * Rows of a key range [from, to] in a terminal status, written at or after `since`: the group poll
 * of long-poll waiters. Eight comparisons, well under the service's fifteen per filter.
 */
export function finishedSinceFilter(range: { from: string; to: string } | undefined, since: Date): string {
  const conditions = [odata`RowKey eq ${''}`, odata`Timestamp ge ${since}`];
  if (range) conditions.push(odata`PartitionKey ge ${range.from} and PartitionKey le ${range.to}`);
  conditions.push(TERMINAL_STATUSES.map((s) => odata`RuntimeStatus eq ${s}`).join(' or '));
  return andAll(conditions);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isKeyText = (value: unknown) => typeof value === 'string' && !LONE_SURROGATE.test(value);

/**
 * Our tokens are the SDK's; anything else is rejected before it reaches storage: exactly base64
 * JSON {nextPartitionKey, nextRowKey?} of well-formed strings.
 */
export function decodeToken(token: string | undefined): string | undefined {
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
