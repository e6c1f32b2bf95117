// Batches over the ManagementService: ids run at once; a filter is first planned (resolved to a
// frozen id list behind a confirmation token), then run when the token is echoed. Retrying the
// same confirmed request runs the same ids again, which then come back skipped.

import { DomainError } from '../../domain/index.js';
import type { HubRef, InstanceFilter, ManagementService } from '../contract.js';
import type { RuntimeStatus } from '../../domain/index.js';
import type { BatchOutcome, BatchPlan, BatchProgress, BatchRequest, BatchService } from './batch-contract.js';
import { currentStatuses, skipForStatus } from './batch-prescan.js';
import { BatchRegistry, type Job } from './batch-registry.js';
import { BATCH_CONCURRENCY, runAll, runOne, type RunOneOptions } from './batch-runner.js';

/** Most instances one batch may touch; a filter matching more must be narrowed. */
export const MAX_BATCH_SIZE = 10_000;
const LIST_PAGE_SIZE = 1000;

export interface BatchServiceOptions {
  /** Aborted at shutdown: running jobs stop taking new instances. */
  abortSignal?: AbortSignal;
  registry?: BatchRegistry;
  /** Instances in flight at once (default BATCH_CONCURRENCY). */
  concurrency?: number;
  /** Pauses before retrying an instance whose storage call timed out. */
  retryDelaysInMs?: RunOneOptions['retryDelaysInMs'];
}

const hubKey = (hub: HubRef) => `${hub.connection}|${hub.taskHub.toLowerCase()}`;

function filterKey(hub: HubRef, filter: InstanceFilter): string {
  return JSON.stringify([
    hubKey(hub),
    filter.createdTimeFrom?.toISOString() ?? null,
    filter.createdTimeTo?.toISOString() ?? null,
    [...(filter.runtimeStatus ?? [])].sort(),
    filter.instanceIdPrefix ?? null,
    filter.name ?? null,
    filter.excludeEntities !== false,
  ]);
}

function validate(request: BatchRequest): void {
  const hasIds = request.instanceIds !== undefined;
  if (hasIds === (request.filter !== undefined)) {
    throw new DomainError('BadRequest', "Give either 'instanceIds' or 'filter' (exactly one).");
  }
  if (hasIds && request.instanceIds!.length === 0) throw new DomainError('BadRequest', "'instanceIds' must not be empty.");
  if (hasIds && request.instanceIds!.length > MAX_BATCH_SIZE) {
    throw new DomainError('BadRequest', `A batch takes at most ${MAX_BATCH_SIZE} instance ids.`);
  }
  if (request.operation === 'raiseEvent' && !request.eventName) {
    throw new DomainError('BadRequest', "Operation raiseEvent needs 'eventName'.");
  }
}

export function createBatchService(service: ManagementService, options: BatchServiceOptions = {}): BatchService {
  const registry = options.registry ?? new BatchRegistry();

  async function resolve(hub: HubRef, filter: InstanceFilter): Promise<string[]> {
    const ids: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await service.list(hub, { ...filter, showInput: false }, { top: LIST_PAGE_SIZE, continuationToken });
      for (const status of page.instances) ids.push(status.instanceId);
      if (ids.length > MAX_BATCH_SIZE) {
        throw new DomainError(
          'BadRequest',
          `The filter matches more than ${MAX_BATCH_SIZE} instances; narrow it (a batch takes at most ${MAX_BATCH_SIZE}).`,
        );
      }
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return ids;
  }

  function snapshot(job: Job, from = 0): BatchProgress {
    return { ...job.progress, outcomesFrom: from, outcomes: job.outcomes.slice(from) };
  }

  function launch(hub: HubRef, request: BatchRequest, ids: string[]): BatchProgress {
    const unique = [...new Set(ids)];
    const { id, job } = registry.addJob(hub, request.operation, unique.length);
    // A retry of the same confirmed batch reuses the key, so an event is delivered once per execution.
    const run: BatchRequest = { ...request, idempotencyKey: `batch-${request.confirm ?? id}` };
    const runOptions = { abortSignal: options.abortSignal, retryDelaysInMs: options.retryDelaysInMs };
    const finish = (state: 'Completed' | 'Canceled') => {
      job.progress.state = state;
      job.progress.completedTime = new Date().toISOString();
      job.finishedAtInMs = Date.now();
    };
    const record = (outcome: BatchOutcome) => {
      job.outcomes.push(outcome);
      job.progress[outcome.outcome]++;
    };
    const work = async () => {
      // A scan failure only loses the shortcut: every instance then takes the normal path.
      const statuses = request.filter
        ? await currentStatuses(service, hub, request.filter, unique, options.abortSignal).catch(() => new Map<string, RuntimeStatus>())
        : new Map<string, RuntimeStatus>();
      const runFor = (instanceId: string): Promise<BatchOutcome> => {
        const status = statuses.get(instanceId);
        const reason = status && skipForStatus(run, status);
        return reason ? Promise.resolve({ instanceId, outcome: 'skipped', reason }) : runOne(service, hub, instanceId, run, runOptions);
      };
      await runAll(unique, runFor, record, options.abortSignal, options.concurrency ?? BATCH_CONCURRENCY);
    };
    void work().then(
      () => finish(options.abortSignal?.aborted ? 'Canceled' : 'Completed'),
      () => finish('Canceled'),
    );
    return snapshot(job);
  }

  return {
    async plan(hub, request): Promise<BatchPlan> {
      validate(request);
      if (!request.filter) throw new DomainError('BadRequest', "Only a 'filter' batch is planned; an id list runs directly.");
      const instanceIds = await resolve(hub, request.filter);
      const { token, expiresAtInMs } = registry.addPlan({
        hub,
        operation: request.operation,
        filterKey: filterKey(hub, request.filter),
        instanceIds,
      });
      return {
        operation: request.operation,
        matched: instanceIds.length,
        confirm: token,
        expiresAt: new Date(expiresAtInMs).toISOString(),
      };
    },

    // Not async: it awaits nothing (a bad request throws before any job exists).
    start(hub, request) {
      validate(request);
      if (request.instanceIds) return Promise.resolve(launch(hub, request, request.instanceIds));
      const plan = request.confirm ? registry.plan(request.confirm) : undefined;
      if (!plan) {
        throw new DomainError(
          'BadRequest',
          "The 'confirm' token is unknown or expired (tokens live 15 minutes, in this server process): send the request without 'confirm' to plan again.",
        );
      }
      if (plan.operation !== request.operation || plan.filterKey !== filterKey(hub, request.filter!)) {
        throw new DomainError(
          'BadRequest',
          "The 'confirm' token was issued for another operation, filter or task hub: plan this request again.",
        );
      }
      return Promise.resolve(launch(hub, request, plan.instanceIds));
    },

    get(id, from = 0) {
      const job = registry.job(id);
      if (!job)
        throw new DomainError('BatchNotFound', `No batch with ID '${id}' is known to this server process (batches are kept for an hour).`);
      return snapshot(job, from);
    },
  };
}
