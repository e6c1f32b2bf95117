// Counts per runtime status over the Instances table: key-range scans side by side, each
// splitting the rest of its range once its first page shows how the keys are spread.
//
// A count reads every matching row, at most 1,000 per request. One scan pays its round trips in
// sequence, and Azurite (no index) evaluates the whole filter over the whole table for every
// page. Slices bounded by PartitionKey, with the bounds as the filter's first conditions, cost
// Azurite one string comparison per row outside them, and let Azure Storage serve several key
// ranges at once. The slices are disjoint and together cover the range, so the counts are exact
// whatever the split points are; those only decide how evenly the work is shared.

import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { fieldText, RUNTIME_STATUSES, Slots, type RuntimeStatus } from '../../domain/index.js';
import type { InstanceQuery } from '../port.js';
import { andAll, instanceConditions } from './instance-query.js';
import { prefixRange } from './keys.js';

export interface StatusCountOptions {
  abortSignal?: AbortSignal;
  /** Rows per request; 1,000 is the service's maximum. Tests use small pages to force splits. */
  pageSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

/** PartitionKey range [from, to), or (after, to) once a slice has read up to `after`; an absent bound is open. */
export interface KeyRange {
  from?: string;
  after?: string;
  to?: string;
}

interface CountRow {
  partitionKey?: string;
  RuntimeStatus?: unknown;
}

/** One split makes at most this many slices: enough for a hex or decimal digit, not a flood. */
const MAX_SLICES_PER_SPLIT = 16;
const SURROGATE = /[\ud800-\udfff]/;

export async function countStatuses(
  client: TableClient,
  query: InstanceQuery,
  options: StatusCountOptions = {},
): Promise<Record<RuntimeStatus, number>> {
  const pageSize = options.pageSize ?? 1000;
  const counts = Object.fromEntries(RUNTIME_STATUSES.map((s) => [s, 0])) as Record<RuntimeStatus, number>;
  const conditions = instanceConditions(query);
  const slots = new Slots(options.concurrency ?? 6);
  // The first failure stops the other slices; the caller's abort stops them all.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.abortSignal?.addEventListener('abort', onAbort, { once: true });
  if (options.abortSignal?.aborted) stop.abort();
  let failure: { error: unknown } | undefined;

  const fetchPage = async (range: KeyRange, token: string | undefined) => {
    const pages = client
      .listEntities<CountRow>({
        queryOptions: {
          filter: andAll([...rangeConditions(range), ...conditions]),
          // The keys say where a page ended: continuation tokens are opaque (Azure encodes the key).
          select: ['PartitionKey', 'RuntimeStatus'],
        },
        abortSignal: stop.signal,
      })
      .byPage({ maxPageSize: pageSize, continuationToken: token });
    const result = await pages.next();
    return result.done ? undefined : result.value;
  };

  const tasks: Promise<void>[] = [];
  const spawn = (range: KeyRange) => {
    tasks.push(
      scan(range).catch((error: unknown) => {
        failure ??= { error };
        stop.abort();
      }),
    );
  };

  async function scan(slice: KeyRange): Promise<void> {
    let range = slice;
    let token: string | undefined;
    // A slice decides after its first page how to split the rest.
    let first = true;
    do {
      const page = await slots.run(() => fetchPage(range, token));
      if (!page) return;
      for (const row of page) {
        const status = fieldText(row.RuntimeStatus);
        if (status in counts) counts[status as RuntimeStatus]++;
      }
      token = page.continuationToken || undefined;
      const last = page.at(-1)?.partitionKey;
      if (token && last !== undefined) {
        // The token resumes after `last` (a key's only row is the one with RowKey ''); the same
        // bound as a condition lets Azurite reject the rows before it with one comparison.
        range = { after: last, to: range.to };
        if (first) {
          const to = range.to;
          const bounds = splitPoints(page.map((row) => row.partitionKey ?? '')).filter((b) => b > last && (to === undefined || b < to));
          bounds.forEach((from, i) => spawn({ from, to: bounds[i + 1] ?? to }));
          if (bounds.length) range = { after: last, to: bounds[0] };
        }
      }
      first = false;
    } while (token && !stop.signal.aborted);
  }

  try {
    spawn(query.instanceIdPrefix ? prefixRange(query.instanceIdPrefix) : {});
    // Slices add slices while they run: wait until no new one appeared.
    for (let settled = 0; settled < tasks.length;) {
      const upTo = tasks.length;
      await Promise.all(tasks.slice(settled, upTo));
      settled = upTo;
    }
  } finally {
    options.abortSignal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure.error;
  if (options.abortSignal?.aborted) throw new Error('The count was aborted.');
  return counts;
}

function rangeConditions(range: KeyRange): string[] {
  const conditions: string[] = [];
  if (range.from !== undefined) conditions.push(odata`PartitionKey ge ${range.from}`);
  if (range.after !== undefined) conditions.push(odata`PartitionKey gt ${range.after}`);
  if (range.to !== undefined) conditions.push(odata`PartitionKey lt ${range.to}`);
  return conditions;
}

/**
 * Where to cut the keys after a page, judging by the page's sorted keys. The characters the keys
 * use past a depth are taken as the alphabet of the ids there ("0-9" for counters, "0-9a-f" for
 * GUIDs). At the deepest position where the last key's character has successors in that
 * alphabet, the successors are cut into groups of as many characters as the page spanned, so a
 * slice holds about a page; a last cut just past the alphabet leaves everything else to one
 * tail slice, which splits again when it is large. Empty when nothing fits: the scan goes on alone.
 */
export function splitPoints(keys: readonly string[]): string[] {
  const first = keys[0];
  const last = keys.at(-1);
  if (first === undefined || last === undefined) return [];
  let shared = 0;
  while (shared < first.length && shared < last.length && first[shared] === last[shared]) shared++;
  for (let d = Math.min(shared, last.length - 1); d >= 0; d--) {
    const prefix = last.slice(0, d);
    const at = last.charCodeAt(d);
    // Cuts inside a surrogate pair, or past the basic plane, would not sort alike everywhere.
    if (SURROGATE.test(prefix) || at >= 0xd800) continue;
    const alphabet = alphabetFrom(keys, d);
    const after = alphabet.filter((c) => c > at);
    if (after.length === 0) continue;
    const rank = (code: number) => alphabet.filter((c) => c < code).length;
    const spanned = d === shared && d < first.length ? rank(at) - rank(first.charCodeAt(d)) : 1;
    const step = Math.max(1, spanned, Math.ceil(after.length / MAX_SLICES_PER_SPLIT));
    const cuts = after.filter((_, i) => i % step === 0);
    // Escaped keys hold no control characters, so the first cut past the alphabet skips them.
    let end = (alphabet.at(-1) ?? at) + 1;
    if (end >= 0x7f && end <= 0x9f) end = 0xa0;
    if (end < 0xd800) cuts.push(end);
    return cuts.map((code) => prefix + String.fromCharCode(code));
  }
  return [];
}

/** The characters of the basic plane the keys use from position `depth` on, ascending. */
function alphabetFrom(keys: readonly string[], depth: number): number[] {
  const seen = new Set<number>();
  for (const key of keys) {
    for (let i = depth; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code < 0xd800) seen.add(code);
    }
  }
  return [...seen].sort((a, b) => a - b);
}
