// Shared TypeBox schemas with `$id`s: registered once with app.addSchema, referenced by routes
// through `ref()`, and emitted under the same names in the OpenAPI document. Each schema's
// TypeScript type (`Static<...>`) is exported under the same name: services and the CLI use these
// types, so a body and its schema cannot drift apart.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  RUNTIME_STATUSES,
  UNKNOWN_RUNTIME_STATUS,
  type RuntimeStatus as RuntimeStatusName,
  type StoredRuntimeStatus,
} from '../domain/index.js';
import { EntityStatus } from './entities.js';

/** A `$ref` to a shared schema that keeps the referenced schema's static type. */
export const ref = <T extends TSchema>(schema: T, description?: string, headers?: ResponseHeaders) =>
  Type.Unsafe<Static<T>>(
    Type.Ref(idOf(schema), { ...(description === undefined ? {} : { description }), ...(headers ? { headers } : {}) }),
  );

function idOf(schema: TSchema): string {
  if (schema.$id === undefined) throw new Error('ref() needs a shared schema, one with an $id.');
  return schema.$id;
}

/** Response headers as @fastify/swagger documents them (a `headers` map beside the body schema). */
export type ResponseHeaders = Record<string, { type: 'string' | 'integer'; description: string }>;

export const CHECK_STATUS_HEADERS: ResponseHeaders = {
  Location: { type: 'string', description: 'statusQueryGetUri.' },
  'Retry-After': { type: 'integer', description: 'Seconds to wait before polling (10).' },
};

export const RUNNING_STATUS_HEADERS: ResponseHeaders = {
  Location: { type: 'string', description: 'The request URL, to poll again.' },
  'Retry-After': { type: 'integer', description: 'Seconds to wait before polling (5).' },
};

export const ErrorResponse = Type.Object(
  {
    error: Type.String({ description: 'Stable error code, e.g. InstanceNotFound.' }),
    message: Type.String({ description: 'Human-readable explanation.' }),
  },
  { $id: 'ErrorResponse', description: 'Every error answer has this shape.' },
);

export const RuntimeStatus = Type.Unsafe<StoredRuntimeStatus>({
  $id: 'RuntimeStatus',
  type: 'string',
  enum: [...RUNTIME_STATUSES, UNKNOWN_RUNTIME_STATUS],
  description: `Orchestration runtime status. ${UNKNOWN_RUNTIME_STATUS}: the stored status is none of the others (a row written by a newer provider); the status route answers 500.`,
});

export const HistoryEvent = Type.Unsafe<Record<string, unknown>>(
  Type.Object(
    {
      EventType: Type.String({ description: 'Event type name, e.g. ExecutionStarted or TaskCompleted.' }),
      Timestamp: Type.String({ description: 'ISO 8601 time the event was recorded.' }),
    },
    {
      $id: 'HistoryEvent',
      additionalProperties: true,
      description: 'One history event with PascalCase fields (Name, FunctionName, Input, Result, ScheduledTime, ...).',
    },
  ),
);

export const OrchestrationStatus = Type.Object(
  {
    name: Type.String({ description: 'Orchestrator function name.' }),
    instanceId: Type.String(),
    runtimeStatus: ref(RuntimeStatus),
    input: Type.Unknown({ description: 'Input JSON; null when absent or when showInput=false.' }),
    customStatus: Type.Unknown({ description: 'Custom status JSON set by the orchestration, or null.' }),
    output: Type.Unknown({ description: 'Output JSON (or failure/termination text as a string), or null.' }),
    createdTime: Type.String({ description: 'ISO 8601, whole seconds, UTC (Z).' }),
    lastUpdatedTime: Type.String({ description: 'ISO 8601, whole seconds, UTC (Z).' }),
    historyEvents: Type.Optional(Type.Array(ref(HistoryEvent), { description: 'Only with showHistory=true.' })),
  },
  { $id: 'OrchestrationStatus', description: 'The Durable Functions status object.' },
);
/** The Durable Functions status object, exactly as serialised on the wire (keys in this order). */
export type OrchestrationStatus = Static<typeof OrchestrationStatus>;

const url = (description: string) => Type.String({ description });

export const CheckStatusPayload = Type.Object(
  {
    id: Type.String({ description: 'Instance ID.' }),
    statusQueryGetUri: url('GET: instance status.'),
    sendEventPostUri: url('POST: raise an event; replace {eventName}.'),
    terminatePostUri: url('POST: terminate; replace {text} with a reason.'),
    purgeHistoryDeleteUri: url('DELETE: purge the instance.'),
    restartPostUri: url('POST: restart the instance.'),
    suspendPostUri: url('POST: suspend; replace {text}.'),
    resumePostUri: url('POST: resume; replace {text}.'),
    rewindPostUri: url('POST: rewind a failed instance; replace {text}.'),
  },
  { $id: 'CheckStatusPayload', description: 'Management URLs of one instance (answer of 202 responses).' },
);
export type CheckStatusPayload = Static<typeof CheckStatusPayload>;

export const PurgeResult = Type.Object({ instancesDeleted: Type.Integer({ minimum: 0 }) }, { $id: 'PurgeHistoryResult' });

export const TaskHubDeleted = Type.Object(
  {
    taskHub: Type.String({ description: 'The deleted task hub.' }),
    deleted: Type.Literal(true),
  },
  { $id: 'TaskHubDeleted', description: 'Answer of deleting a whole task hub.' },
);

export const Health = Type.Object(
  {
    status: Type.Unsafe<'ok' | 'unavailable'>({ type: 'string', enum: ['ok', 'unavailable'] }),
    storage: Type.Unsafe<'ok' | 'unreachable'>({ type: 'string', enum: ['ok', 'unreachable'] }),
  },
  { $id: 'Health' },
);

const count = Type.Integer({ minimum: 0 });
const countsByStatus = Object.fromEntries(RUNTIME_STATUSES.map((status) => [status, count])) as Record<RuntimeStatusName, typeof count>;

export const StatusCounts = Type.Object(
  {
    // A row whose status reads as Unknown is in no count (and so not in the total).
    counts: Type.Object(countsByStatus, { description: 'Instances per runtime status; every status is present.' }),
    total: Type.Integer({ minimum: 0, description: 'Sum of the counts.' }),
  },
  { $id: 'StatusCounts', description: 'taskhub addition: instances per runtime status.' },
);
export type StatusCounts = Static<typeof StatusCounts>;

export const WhoAmI = Type.Object(
  {
    role: Type.Unsafe<'admin' | 'read'>({
      type: 'string',
      enum: ['admin', 'read'],
      description: 'admin: a system key (or authentication disabled); read: a TASKHUB_READ_KEYS key, GET only.',
    }),
  },
  { $id: 'WhoAmI', description: 'taskhub addition: what the presented key may do.' },
);

export const OrchestratorNames = Type.Object(
  {
    known: Type.Boolean({ description: 'False when no in-process worker serves this task hub (names unknown).' }),
    names: Type.Array(Type.String(), { description: 'Registered orchestrator names, sorted.' }),
  },
  { $id: 'OrchestratorNames', description: 'taskhub addition: orchestrators the worker can run.' },
);

export const Readiness = Type.Object(
  {
    status: Type.Unsafe<'ready' | 'not-ready'>({ type: 'string', enum: ['ready', 'not-ready'] }),
    storage: Type.Unsafe<'ok' | 'unreachable'>({ type: 'string', enum: ['ok', 'unreachable'] }),
    taskHub: Type.Unsafe<'present' | 'missing' | 'unknown'>({ type: 'string', enum: ['present', 'missing', 'unknown'] }),
  },
  { $id: 'Readiness', description: 'Whether this replica can serve: storage reachable and the default task hub present.' },
);

/** Registration order matters: referenced schemas first. */
export const SHARED_SCHEMAS: TSchema[] = [
  ErrorResponse,
  RuntimeStatus,
  HistoryEvent,
  OrchestrationStatus,
  CheckStatusPayload,
  PurgeResult,
  TaskHubDeleted,
  Health,
  EntityStatus,
  StatusCounts,
  WhoAmI,
  OrchestratorNames,
  Readiness,
];
