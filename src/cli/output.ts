// Human-readable rendering: aligned tables, key: value blocks, history with event type names.

import type { StatusObject } from '../services/contract.js';
import { JsonText, stringifyJson } from '../services/json-text.js';
import { EVENT_TYPES } from '../domain/index.js';

/** Columns padded to the widest cell; the last column is not padded (no trailing blanks). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** A JSON string payload read as its text: over --url it arrives as a plain string, and must print the same. */
const stringPayload = (value: unknown): string | undefined =>
  value instanceof JsonText && value.text.trimStart().startsWith('"') ? (JSON.parse(value.text) as string) : undefined;

/** JSON values shown compactly on one line; text (and a JSON string's text) stays as it is. */
export function compact(value: unknown, max = Infinity): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : (stringPayload(value) ?? stringifyJson(value));
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function keyValues(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`.trimEnd()).join('\n');
}

export interface StatusView {
  showInput: boolean;
  showOutput: boolean;
}

export function statusBlock(status: StatusObject, view: StatusView): string {
  const pairs: [string, string][] = [
    ['Name', status.name],
    ['Instance ID', status.instanceId],
    ['Runtime status', status.runtimeStatus],
    ['Created', status.createdTime],
    ['Last updated', status.lastUpdatedTime],
    ['Custom status', compact(status.customStatus)],
  ];
  if (view.showInput) pairs.push(['Input', compact(status.input)]);
  if (view.showOutput) pairs.push(['Output', compact(status.output)]);
  return keyValues(pairs);
}

export function instancesTable(instances: StatusObject[]): string {
  return table(
    ['INSTANCE ID', 'NAME', 'STATUS', 'CREATED', 'LAST UPDATED'],
    instances.map((s) => [s.instanceId, s.name, s.runtimeStatus, s.createdTime, s.lastUpdatedTime]),
  );
}

const DETAIL_FIELDS = ['Result', 'Input', 'Reason', 'Details', 'FailureDetails', 'FireAt', 'OrchestrationStatus'];

function eventTypeName(value: unknown): string {
  if (typeof value === 'number') return EVENT_TYPES[value] ?? String(value);
  return typeof value === 'string' ? value : '';
}

/**
 * One row per event: time, type name, the function or event name and the most telling payload.
 * Completions carry their activity's name as FunctionName (the history view merges the scheduling event in).
 */
export function historyTable(events: Record<string, unknown>[]): string {
  const rows = events.map((event) => {
    const detail = DETAIL_FIELDS.filter((f) => event[f] !== undefined && event[f] !== null)
      .map((f) => `${f}=${compact(event[f], 60)}`)
      .join(' ');
    return [compact(event.Timestamp), eventTypeName(event.EventType), compact(event.FunctionName ?? event.Name), detail];
  });
  return table(['TIMESTAMP', 'EVENT TYPE', 'NAME', 'DETAILS'], rows);
}
