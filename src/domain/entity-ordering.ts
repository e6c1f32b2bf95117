// Sender-side ordering stamps of entity request messages, as the .NET MessageSorter labels them
// (EntityScheduler/MessageSorter.cs LabelOutgoingMessage): per destination, a Timestamp strictly
// after the previous one and that previous one as Predecessor. A .NET receiver delivers by these
// (and drops a message whose Timestamp is not after the last one it delivered from that sender).
// Times are .NET ticks (100 ns) so that equal milliseconds still order.

import { DOTNET_MIN_DATE } from './entity-messages.js';

const TICKS_PER_MS = 10_000n;
/** Entries older than the extension's default reorder window (30 minutes) are forgotten. */
const REORDER_WINDOW_IN_MS = 30 * 60 * 1000;

/** ISO text (up to 7 fraction digits) -> ticks since the Unix epoch; undefined for MinValue or junk. */
export function toTicks(text: string | undefined): bigint | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!match) return undefined;
  const whole = Date.parse(`${match[1]}${match[3] ?? 'Z'}`);
  if (Number.isNaN(whole)) return undefined;
  return BigInt(whole) * TICKS_PER_MS + BigInt((match[2] ?? '').padEnd(7, '0') || '0');
}

/** Ticks -> `yyyy-MM-ddTHH:mm:ss.fffffffZ` with trailing zero digits dropped (Json.NET's DateTime text). */
export function fromTicks(ticks: bigint): string {
  const ms = ticks / TICKS_PER_MS;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const fraction = (ticks % (1000n * TICKS_PER_MS)).toString().padStart(7, '0').replace(/0+$/, '');
  return `${base}${fraction ? `.${fraction}` : ''}Z`;
}

export interface Stamps {
  Timestamp: string;
  Predecessor: string;
}

/** The stamps of the next message after `previous` (the last Timestamp sent to the same destination). */
export function nextStamps(previous: string | undefined, now: Date): Stamps {
  const last = toTicks(previous);
  let ticks = BigInt(now.getTime()) * TICKS_PER_MS;
  if (last !== undefined && ticks <= last) ticks = last + 1n;
  return { Timestamp: fromTicks(ticks), Predecessor: last !== undefined ? fromTicks(last) : DOTNET_MIN_DATE };
}

/** Labels a message from an entity, updating the sorter's LastSentToInstance like the .NET sender. */
export function labelFromEntity(sorter: Record<string, unknown>, destination: string, now: Date): Stamps {
  const sent = (sorter.LastSentToInstance && typeof sorter.LastSentToInstance === 'object' ? sorter.LastSentToInstance : {}) as Record<
    string,
    string
  >;
  const horizon = BigInt(now.getTime() - REORDER_WINDOW_IN_MS) * TICKS_PER_MS;
  for (const [target, at] of Object.entries(sent)) if ((toTicks(at) ?? 0n) < horizon) delete sent[target];
  const key = Object.keys(sent).find((k) => k.toLowerCase() === destination.toLowerCase()) ?? destination;
  const stamps = nextStamps(sent[key], now);
  sent[key] = stamps.Timestamp;
  sorter.LastSentToInstance = sent;
  return stamps;
}
