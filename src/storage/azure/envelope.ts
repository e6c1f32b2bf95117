// The queue message envelope (DurableTask.AzureStorage.MessageData) in Json.NET's shape:
// `$type` first in every object, enums as numbers, payloads as JSON text, Sender always present.
// Readers accept raw or Base64 text and the old assembly-qualified `$type` names.

import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, fieldText, type EventTypeName, type HistoryEvent, type OrchestrationInstanceRef } from '../../domain/index.js';

const CORE = 'DurableTask.Core';
const EMPTY_SENDER: OrchestrationInstanceRef = { InstanceId: '', ExecutionId: '' };

export interface MessageData {
  activityId: string;
  instance: OrchestrationInstanceRef;
  event: HistoryEvent;
  sender: OrchestrationInstanceRef;
  sequenceNumber: number;
  episode?: number;
  compressedBlobName?: string;
}

let sequence = 0;

const eventClass = (type: EventTypeName) => `${CORE}.History.${type === 'GenericEvent' ? 'GenericEvent' : `${type}Event`}`;

function typed(type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { $type: type, ...fields };
}

function instanceJson(ref: OrchestrationInstanceRef | undefined | null): unknown {
  if (!ref) return null;
  return typed(`${CORE}.OrchestrationInstance`, { InstanceId: ref.InstanceId, ExecutionId: ref.ExecutionId ?? null });
}

/** Nested objects the framework types explicitly; Tags stays a plain dictionary (no `$type`). */
function nestedJson(name: string, value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  const obj = value as Record<string, unknown>;
  switch (name) {
    case 'OrchestrationInstance':
      return instanceJson(obj as unknown as OrchestrationInstanceRef);
    case 'ParentInstance':
      return typed(`${CORE}.ParentInstance`, {
        ...obj,
        OrchestrationInstance: instanceJson(obj.OrchestrationInstance as OrchestrationInstanceRef),
      });
    case 'FailureDetails':
      return typed(`${CORE}.FailureDetails`, { ...obj, InnerFailure: nestedJson('FailureDetails', obj.InnerFailure) });
    case 'ParentTraceContext':
      return typed(`${CORE}.Tracing.DistributedTraceContext`, obj);
    default:
      return obj;
  }
}

/** A history event as Json.NET writes it: `$type`, own fields, then EventId/IsPlayed/Timestamp. */
export function eventToJson(event: HistoryEvent): Record<string, unknown> {
  const { EventType, EventId, IsPlayed, Timestamp, ...rest } = event;
  const out: Record<string, unknown> = { $type: eventClass(EventType) };
  if ('OrchestrationInstance' in rest) out.OrchestrationInstance = nestedJson('OrchestrationInstance', rest.OrchestrationInstance);
  out.EventType = EVENT_TYPES.indexOf(EventType);
  for (const [name, value] of Object.entries(rest)) {
    if (name !== 'OrchestrationInstance') out[name] = nestedJson(name, value);
  }
  out.EventId = EventId;
  out.IsPlayed = IsPlayed ?? false;
  out.Timestamp = Timestamp;
  return out;
}

function stripTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTypes);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== '$type') out[k] = stripTypes(v);
  return out;
}

export function eventFromJson(json: Record<string, unknown>): HistoryEvent {
  const plain = stripTypes(json) as Record<string, unknown>;
  const type = typeof plain.EventType === 'number' ? EVENT_TYPES[plain.EventType] : (plain.EventType as EventTypeName);
  if (!type || !EVENT_TYPES.includes(type)) throw new Error(`Unknown EventType ${String(plain.EventType)}`);
  return { ...plain, EventType: type, EventId: Number(plain.EventId ?? -1), Timestamp: fieldText(plain.Timestamp) };
}

export function newMessage(
  instance: OrchestrationInstanceRef,
  event: HistoryEvent,
  options: { sender?: OrchestrationInstanceRef; episode?: number } = {},
): MessageData {
  return {
    activityId: randomUUID(),
    instance,
    event,
    sender: options.sender ?? EMPTY_SENDER,
    sequenceNumber: ++sequence,
    episode: options.episode,
  };
}

/** The envelope as a plain object (JSON.stringify of it is the queue message). */
export function messageEnvelope(message: MessageData): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    $type: 'DurableTask.AzureStorage.MessageData',
    ActivityId: message.activityId,
    TaskMessage: typed(`${CORE}.TaskMessage`, {
      Event: eventToJson(message.event),
      SequenceNumber: 0,
      OrchestrationInstance: instanceJson(message.instance),
      OrchestrationExecutionContext: null,
    }),
    CompressedBlobName: null,
    SequenceNumber: message.sequenceNumber,
  };
  if (message.episode !== undefined) envelope.Episode = message.episode;
  envelope.Sender = { InstanceId: message.sender.InstanceId, ExecutionId: message.sender.ExecutionId ?? '' };
  envelope.SerializableTraceContext = null;
  return envelope;
}

export function serializeMessage(message: MessageData): string {
  return JSON.stringify(messageEnvelope(message));
}

/** The small queue message that points at a large message's blob. */
export function serializeLargeMessageWrapper(blobName: string): string {
  return JSON.stringify({
    $type: 'DurableTask.AzureStorage.MessageData',
    ActivityId: '00000000-0000-0000-0000-000000000000',
    TaskMessage: null,
    CompressedBlobName: blobName,
    SequenceNumber: 0,
    SerializableTraceContext: null,
  });
}

/** Queue text → JSON object: raw JSON (2.x default) or Base64 of it (1.x, or when configured). */
export function decodeQueueText(text: string): Record<string, unknown> {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  const json = trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  return JSON.parse(json) as Record<string, unknown>;
}

export function parseMessage(json: Record<string, unknown>): MessageData {
  const taskMessage = json.TaskMessage as Record<string, unknown> | null;
  const blob = typeof json.CompressedBlobName === 'string' && json.CompressedBlobName ? json.CompressedBlobName : undefined;
  if (!taskMessage) {
    if (blob) return { compressedBlobName: blob } as MessageData;
    throw new Error('Queue message has neither TaskMessage nor CompressedBlobName');
  }
  const instance = stripTypes(taskMessage.OrchestrationInstance) as OrchestrationInstanceRef;
  const sender = (json.Sender as OrchestrationInstanceRef | undefined) ?? EMPTY_SENDER;
  return {
    activityId: fieldText(json.ActivityId),
    instance: { InstanceId: instance.InstanceId, ExecutionId: instance.ExecutionId ?? null },
    event: eventFromJson(taskMessage.Event as Record<string, unknown>),
    sender: { InstanceId: sender.InstanceId ?? '', ExecutionId: sender.ExecutionId ?? '' },
    sequenceNumber: Number(json.SequenceNumber ?? 0),
    episode: typeof json.Episode === 'number' ? json.Episode : undefined,
  };
}
