// Runs one operation over many instances with a fixed number in flight, recording one outcome per
// instance. Refusals that mean "nothing to do" (already finished, already suspended, not failed,
// already purged) are skipped, not failed, so that retrying a batch is harmless.

import { DomainError } from '../../domain/index.js';
import type { HubRef, ManagementService } from '../contract.js';
import type { BatchOperation, BatchOutcome, BatchRequest } from './batch-contract.js';

// Storage latency, not CPU, bounds a batch: against Azurite with the worker applying the
// terminations alongside, 32 in flight finished 600 terminations 1.7x faster than 8. 16 takes
// most of that gain while leaving storage to the worker and other clients.
export const BATCH_CONCURRENCY = 16;

type Step = (service: ManagementService, hub: HubRef, id: string, request: BatchRequest) => Promise<string | void>;

const STEPS: Record<BatchOperation, Step> = {
  terminate: (s, hub, id, r) => s.terminate(hub, id, r.reason),
  suspend: (s, hub, id, r) => s.suspend(hub, id, r.reason),
  resume: (s, hub, id, r) => s.resume(hub, id, r.reason),
  rewind: (s, hub, id, r) => s.rewind(hub, id, r.reason),
  // The key makes a retried send (after a timeout, or a retry of the whole batch) apply once.
  raiseEvent: (s, hub, id, r) => s.raiseEvent(hub, id, r.eventName ?? '', r.eventData ?? null, { idempotencyKey: r.idempotencyKey }),
  restart: async (s, hub, id, r) => (await s.restart(hub, id, { restartWithNewInstanceId: r.restartWithNewInstanceId })).instanceId,
  purge: async (s, hub, id) => {
    await s.purge(hub, id);
  },
};

/** The status named in a service refusal ("Instance 'x' is Completed ..."). */
const statusIn = (message: string) => /' is (\w+)/.exec(message)?.[1] ?? 'finished';

/** A short reason when the refusal means the instance needs nothing; undefined for real failures. */
export function skipReason(operation: BatchOperation, error: DomainError): string | undefined {
  const status = statusIn(error.message);
  switch (error.code) {
    case 'InstanceGone':
      return operation === 'restart' ? `still ${status}` : `already ${status}`;
    case 'InstanceStateConflict':
      // Restart under the same ID refuses an instance that has not finished yet.
      if (operation === 'restart') return `still ${status}`;
      return operation === 'suspend' ? 'already Suspended' : `not suspended (${status})`;
    case 'InstanceNotFailed':
      return `not Failed (${status})`;
    case 'InstanceNotFound':
      return operation === 'purge' ? 'not found (already purged)' : undefined;
    default:
      return undefined;
  }
}

/** Storage that did not answer in time; the same instance is tried again after a pause. */
const TRANSIENT = new Set(['StorageUnavailable']);
export const RETRY_DELAYS_IN_MS = [500, 1000, 2000, 4000, 8000];

/**
 * A retry must not do the work twice: restart under a new ID would start a second copy if the
 * first attempt wrote before it timed out. The others are idempotent (terminate, suspend, resume
 * and rewind find the state already changed; raise event carries an idempotency key).
 */
const retriable = (request: BatchRequest) => request.operation !== 'restart' || request.restartWithNewInstanceId === false;

function toOutcome(instanceId: string, operation: BatchOperation, error: unknown): BatchOutcome {
  if (error instanceof DomainError) {
    const reason = skipReason(operation, error);
    if (reason) return { instanceId, outcome: 'skipped', reason };
    // Storage outages and bugs are reported without internals, like the HTTP error handler does.
    const safe = error.code !== 'InternalError';
    return { instanceId, outcome: 'failed', error: error.code, message: safe ? error.message : 'Unexpected error.' };
  }
  return { instanceId, outcome: 'failed', error: 'InternalError', message: 'Unexpected error.' };
}

export interface RunOneOptions {
  abortSignal?: AbortSignal;
  retryDelaysInMs?: readonly number[];
}

/** One instance's outcome; a storage timeout is retried (with pauses) before it counts as failed. */
export async function runOne(
  service: ManagementService,
  hub: HubRef,
  instanceId: string,
  request: BatchRequest,
  options: RunOneOptions = {},
): Promise<BatchOutcome> {
  const delays = retriable(request) ? (options.retryDelaysInMs ?? RETRY_DELAYS_IN_MS) : [];
  for (let attempt = 0; ; attempt++) {
    try {
      const newId = await STEPS[request.operation](service, hub, instanceId, request);
      return newId && newId !== instanceId ? { instanceId, outcome: 'done', newInstanceId: newId } : { instanceId, outcome: 'done' };
    } catch (error) {
      const transient = error instanceof DomainError && TRANSIENT.has(error.code);
      if (!transient || attempt >= delays.length || options.abortSignal?.aborted) return toOutcome(instanceId, request.operation, error);
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}

/** Workers pull the next id until none is left or the signal aborts. */
export async function runAll(
  ids: readonly string[],
  run: (id: string) => Promise<BatchOutcome>,
  record: (outcome: BatchOutcome) => void,
  abortSignal?: AbortSignal,
  concurrency = BATCH_CONCURRENCY,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ids.length) }, async () => {
      while (next < ids.length && !abortSignal?.aborted) {
        const id = ids[next++];
        record(await run(id));
      }
    }),
  );
}
