// Schemas of the batch operations (taskhub addition).

import { Type } from '@sinclair/typebox';
import { BATCH_OPERATIONS } from '../services/batch/batch-contract.js';

const operation = Type.Unsafe<(typeof BATCH_OPERATIONS)[number]>({
  type: 'string',
  enum: [...BATCH_OPERATIONS],
  description: 'What to do to each instance.',
});

export const BatchFilter = Type.Object(
  {
    createdTimeFrom: Type.Optional(Type.String({ description: 'ISO 8601; created at or after.' })),
    createdTimeTo: Type.Optional(Type.String({ description: 'ISO 8601; created at or before.' })),
    runtimeStatus: Type.Optional(Type.Array(Type.String(), { description: 'Runtime statuses, any letter case.' })),
    instanceIdPrefix: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ description: 'Orchestrator name; `Foo*` is a prefix.' })),
    excludeEntities: Type.Optional(Type.Boolean({ description: 'Default true unless instanceIdPrefix starts with `@`.' })),
  },
  { additionalProperties: false, description: 'The instance list filter, as JSON.' },
);

export const BatchRequestBody = Type.Object(
  {
    operation,
    instanceIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10_000 })),
    filter: Type.Optional(BatchFilter),
    confirm: Type.Optional(Type.String({ description: "Token of this filter's plan; required to run a filter batch." })),
    reason: Type.Optional(Type.String({ description: 'Recorded with terminate, suspend, resume, rewind.' })),
    eventName: Type.Optional(Type.String({ minLength: 1, description: 'raiseEvent: the event name.' })),
    eventData: Type.Optional(Type.Unknown({ description: 'raiseEvent: the event data (any JSON).' })),
    restartWithNewInstanceId: Type.Optional(Type.Boolean({ description: 'restart: default true.' })),
  },
  { $id: 'BatchRequest', additionalProperties: false, description: 'Exactly one of instanceIds and filter.' },
);

export const BatchPlanSchema = Type.Object(
  {
    operation,
    matched: Type.Integer({ minimum: 0, description: 'Instances the filter matches now; the batch will run exactly these.' }),
    confirm: Type.String({ description: 'Send back as `confirm` with the same request to run it.' }),
    expiresAt: Type.String({ description: 'ISO 8601; the token is forgotten then.' }),
  },
  { $id: 'BatchPlan', description: 'A filter batch, planned but not run.' },
);

const BatchOutcome = Type.Object(
  {
    instanceId: Type.String(),
    outcome: Type.Unsafe<'done' | 'skipped' | 'failed'>({ type: 'string', enum: ['done', 'skipped', 'failed'] }),
    reason: Type.Optional(Type.String({ description: 'skipped: why nothing was needed, e.g. "already Completed".' })),
    error: Type.Optional(Type.String({ description: 'failed: the stable error code.' })),
    message: Type.Optional(Type.String({ description: 'failed: the error message.' })),
    newInstanceId: Type.Optional(Type.String({ description: 'restart with a new id: the new instance.' })),
  },
  { additionalProperties: false },
);

export const BatchProgressSchema = Type.Object(
  {
    id: Type.String(),
    operation,
    taskHub: Type.String(),
    state: Type.Unsafe<'Running' | 'Completed' | 'Canceled'>({ type: 'string', enum: ['Running', 'Completed', 'Canceled'] }),
    total: Type.Integer({ minimum: 0 }),
    done: Type.Integer({ minimum: 0 }),
    skipped: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    createdTime: Type.String(),
    completedTime: Type.Optional(Type.String()),
    outcomesFrom: Type.Integer({ minimum: 0, description: 'Index of the first outcome in `outcomes`.' }),
    outcomes: Type.Array(BatchOutcome, { description: 'Per-instance outcomes in completion order.' }),
  },
  { $id: 'BatchProgress', description: 'A batch job: counts and outcomes so far.' },
);

export const BATCH_SCHEMAS = [BatchRequestBody, BatchPlanSchema, BatchProgressSchema];
