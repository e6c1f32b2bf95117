// Query values the schemas cannot check on their own: ISO 8601 dates and runtime-status lists.
// Unlike the extension, which silently ignores what it cannot parse, these answer 400.

import { invalidQuery, RUNTIME_STATUSES, type RuntimeStatus } from '../domain/index.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** ISO 8601 date or date-time; without an offset the value is UTC (the Azure Storage provider's reading). */
export function parseDate(name: string, value: string | undefined): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const match = ISO_8601.exec(text);
  if (!match) throw invalidQuery(name, 'must be an ISO 8601 date-time such as 2024-01-31T12:00:00Z');
  const hasTime = /[T ]/i.test(text);
  // Trim fractions beyond milliseconds, which Date.parse does not accept everywhere.
  let normalised = text.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
  if (hasTime && !match[1]) normalised += 'Z';
  normalised = normalised.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(normalised);
  if (Number.isNaN(date.getTime())) throw invalidQuery(name, 'is not a valid date');
  return date;
}

const BY_LOWER_NAME = new Map(RUNTIME_STATUSES.map((status) => [status.toLowerCase(), status]));

/** Comma-separated statuses in any letter case; an unknown name is a 400. */
export function parseStatuses(name: string, value: string | undefined): RuntimeStatus[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const statuses: RuntimeStatus[] = [];
  for (const item of value.split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const status = BY_LOWER_NAME.get(text.toLowerCase());
    if (!status) throw invalidQuery(name, `has an unknown status '${text}'; use ${RUNTIME_STATUSES.join(', ')}`);
    if (!statuses.includes(status)) statuses.push(status);
  }
  return statuses.length ? statuses : undefined;
}

/** `Foo` -> exact name, `Foo*` -> name prefix; empty or a lone `*` -> no condition. */
export function parseName(value: string | undefined): { exact?: string; prefix?: string } | undefined {
  if (value === undefined || value === '' || value === '*') return undefined;
  return value.endsWith('*') ? { prefix: value.slice(0, -1) } : { exact: value };
}

/** The shared instance filter from query parameters (list, counts, batches). */
export function parseFilter(query: {
  createdTimeFrom?: string;
  createdTimeTo?: string;
  runtimeStatus?: string;
  instanceIdPrefix?: string;
  name?: string;
  excludeEntities?: boolean;
}) {
  return {
    createdTimeFrom: parseDate('createdTimeFrom', query.createdTimeFrom),
    createdTimeTo: parseDate('createdTimeTo', query.createdTimeTo),
    runtimeStatus: parseStatuses('runtimeStatus', query.runtimeStatus),
    instanceIdPrefix: query.instanceIdPrefix,
    name: parseName(query.name),
    excludeEntities: query.excludeEntities ?? !query.instanceIdPrefix?.startsWith('@'),
  };
}
