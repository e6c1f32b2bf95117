// Runs one batch of entity operations through the `durable-functions` package's own entity
// executor (lib/src/entities/Entity.js), fed exactly what the Functions host feeds it
// (`{ self, exists, state, batch }`, Bindings/EntityTriggerAttributeBindingProvider.cs), and reads
// back its OutOfProcResult-shaped answer. Everything around it (queue, locks, messages) is the host's.

import type { EntityId } from '../../domain/entity-id.js';
import { df, dfInternal } from '../df-internals.js';
import type { EntityFunction } from '../registry.js';

interface DfEntityResult {
  entityExists: boolean;
  entityState?: string;
  results: ({ isError: boolean; result?: string } | undefined)[];
  signals: { target: { name: string; key: string }; name: string; input?: string; requestId?: string }[];
}
const { Entity } = dfInternal<{
  Entity: new (fn: EntityFunction) => { handle(trigger: unknown, context: unknown): Promise<DfEntityResult> };
}>('entities/Entity.js');

export interface OperationRequest {
  /** Request id (the RequestMessage `id`). */
  id: string;
  name: string;
  /** JSON text of the input. */
  input?: string | null;
  isSignal: boolean;
}

export interface OperationOutcome {
  isError: boolean;
  /** JSON text of the result (or of the error). */
  result?: string;
}

export interface EntitySignal {
  target: EntityId;
  operation: string;
  input?: string;
  /** The request whose operation sent it. */
  requestId: string;
}

export interface BatchOutcome {
  exists: boolean;
  state?: string;
  results: OperationOutcome[];
  signals: EntitySignal[];
}

export interface EntityBatch {
  self: EntityId;
  exists: boolean;
  state?: string;
  operations: OperationRequest[];
  log?: (level: string, message: string) => void;
}

/**
 * The package serialises thrown values with JSON.stringify, which turns an Error into "{}";
 * rethrowing its message keeps the reason readable for the caller (a string is what it reports).
 */
function withReadableErrors(fn: EntityFunction): EntityFunction {
  return async (context) => {
    try {
      return await fn(context);
    } catch (error) {
      throw error instanceof Error ? `${error.name}: ${error.message}` : error;
    }
  };
}

export async function runEntityBatch(fn: EntityFunction, batch: EntityBatch): Promise<BatchOutcome> {
  const log = batch.log ?? (() => undefined);
  const context = new df.DummyEntityContext(batch.self.name, undefined, (level, ...args) => log(level, args.map(String).join(' ')));
  const trigger = {
    self: { name: batch.self.name, key: batch.self.key },
    exists: batch.exists,
    state: batch.state,
    batch: batch.operations.map((op) => ({ id: op.id, name: op.name, input: op.input ?? undefined, isSignal: op.isSignal })),
  };
  try {
    const out = await new Entity(withReadableErrors(fn)).handle(trigger, context);
    return {
      exists: out.entityExists === true,
      state: out.entityExists ? out.entityState : undefined,
      results: batch.operations.map((_, i) => {
        const r = out.results[i];
        return r ? { isError: r.isError === true, ...(r.result !== undefined ? { result: r.result } : {}) } : { isError: false };
      }),
      signals: out.signals.map((s) => ({
        target: { name: String(s.target.name).toLowerCase(), key: String(s.target.key) },
        operation: s.name,
        ...(s.input ? { input: s.input } : {}),
        requestId: s.requestId ?? '',
      })),
    };
  } catch (error) {
    // The executor itself failed: every operation failed, the state stays as it was.
    return failedBatch(batch, error instanceof Error ? error.message : String(error));
  }
}

export function failedBatch(batch: Pick<EntityBatch, 'exists' | 'state' | 'operations'>, message: string): BatchOutcome {
  return {
    exists: batch.exists,
    state: batch.state,
    results: batch.operations.map(() => ({ isError: true, result: JSON.stringify(message) })),
    signals: [],
  };
}
