// The messages entities exchange, in the wire format of the Durable Functions extension
// (EntityScheduler/RequestMessage.cs, ResponseMessage.cs, ReleaseMessage.cs,
// EntityMessageEventNames.cs): each travels as the JSON text of an EventRaised event's Input.
// Field names, order and omitted defaults follow what Json.NET writes for those classes, so a
// .NET host reads ours and we read theirs (DurableTask.Core's native copies add fields we ignore).

import type { EntityId } from './entity-id.js';

export const REQUEST_EVENT_NAME = 'op';
export const RELEASE_EVENT_NAME = 'release';
export const CONTINUE_EVENT_NAME = 'continue';
/** Result text of the response that grants a lock (DurableTask.Core ResponseMessage.LockAcquisitionCompletion). */
export const LOCK_ACQUIRED_RESULT = 'Lock Acquisition Completed';
/** ExceptionType the extension puts on failed out-of-process operations (TaskEntityShim). */
export const OUT_OF_PROC_ERROR_TYPE = 'Error';
/** .NET's DateTime.MinValue as Json.NET writes it (Kind Unspecified: no offset). */
export const DOTNET_MIN_DATE = '0001-01-01T00:00:00';

export interface RequestMessage {
  /** Operation name; absent (null) for lock requests. */
  op?: string | null;
  signal?: boolean;
  /** JSON text of the operation input. */
  input?: string | null;
  id: string;
  /** Sending orchestration or entity; absent for client signals. */
  parent?: string | null;
  parentExecution?: string | null;
  /** ISO time of a scheduled signal. */
  due?: string | null;
  /** Sender-side ordering stamps (MessageSorter); DOTNET_MIN_DATE when unused. */
  Timestamp?: string;
  Predecessor?: string;
  lockset?: EntityId[] | null;
  pos?: number;
}

export interface ResponseMessage {
  /** JSON text of the result (or of the error). */
  result?: string | null;
  exceptionType?: string | null;
}

export interface ReleaseMessage {
  parent: string;
  id: string;
}

/** `op`, or `op@<time>` for a signal scheduled at `due` (the name a queue delay is read from). */
export function requestEventName(due?: Date): string {
  return due ? `${REQUEST_EVENT_NAME}@${roundTripDate(due)}` : REQUEST_EVENT_NAME;
}

export function isRequestEventName(name: string): boolean {
  return name.startsWith(REQUEST_EVENT_NAME);
}

/** The time of an `op@<time>` event name, or undefined. */
export function scheduledTimeOf(eventName: string): Date | undefined {
  if (eventName.length < 4 || eventName[2] !== '@') return undefined;
  const at = new Date(eventName.slice(3));
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** .NET's "o" format for UTC times: seven fraction digits, `Z`. */
export function roundTripDate(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** Json.NET's default DateTime text for UTC values: trailing zero fraction digits dropped. */
export function jsonNetDate(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== false && v !== 0)) as T;

/** Serializes in the extension's field order, omitting the defaults it omits. */
export function serializeRequest(message: RequestMessage): string {
  const ordered = {
    op: message.op ?? null,
    ...defined({ signal: message.signal, input: message.input }),
    id: message.id,
    ...defined({ parent: message.parent, parentExecution: message.parentExecution, due: message.due }),
    Timestamp: message.Timestamp ?? DOTNET_MIN_DATE,
    Predecessor: message.Predecessor ?? DOTNET_MIN_DATE,
    ...defined({ lockset: message.lockset, pos: message.pos }),
  };
  return JSON.stringify(ordered);
}

export function serializeResponse(message: ResponseMessage): string {
  return JSON.stringify({ result: message.result ?? null, ...defined({ exceptionType: message.exceptionType }) });
}

export function serializeRelease(message: ReleaseMessage): string {
  return JSON.stringify({ parent: message.parent, id: message.id });
}

function parseObject(text: unknown, what: string): Record<string, unknown> {
  const value = typeof text === 'string' ? (JSON.parse(text) as unknown) : text;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`The ${what} is not a JSON object.`);
  return value as Record<string, unknown>;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Reads a request written by either the extension or DurableTask.Core (extra fields ignored). */
export function parseRequest(text: unknown): RequestMessage {
  const o = parseObject(text, 'entity request message');
  const id = str(o.id);
  if (!id) throw new Error('The entity request message has no id.');
  const lockset = Array.isArray(o.lockset)
    ? (o.lockset as { name?: unknown; key?: unknown }[]).map((e) => ({ name: str(e.name) ?? '', key: str(e.key) ?? '' }))
    : undefined;
  return {
    op: str(o.op) ?? null,
    signal: o.signal === true,
    input: str(o.input) ?? null,
    id,
    parent: str(o.parent) ?? null,
    parentExecution: str(o.parentExecution) ?? null,
    due: str(o.due) ?? null,
    Timestamp: str(o.Timestamp) ?? DOTNET_MIN_DATE,
    Predecessor: str(o.Predecessor) ?? DOTNET_MIN_DATE,
    lockset: lockset ?? null,
    pos: typeof o.pos === 'number' ? o.pos : 0,
  };
}

export function parseResponse(text: unknown): ResponseMessage {
  const o = parseObject(text, 'entity response message');
  return { result: str(o.result) ?? null, exceptionType: str(o.exceptionType) ?? null };
}

export function parseRelease(text: unknown): ReleaseMessage {
  const o = parseObject(text, 'lock release message');
  return { parent: str(o.parent) ?? '', id: str(o.id) ?? '' };
}

export const isLockRequest = (message: RequestMessage) => Array.isArray(message.lockset) && message.lockset.length > 0;
