// `taskhub batch <operation>`: one operation over --instance-ids, or over every instance matching
// the filter options. A filter batch only counts the matches unless --confirm is given.

import { dateValue, jsonValue, statusesValue, stringValue, type OptionSpecs, type Values } from '../args.js';
import { OperationFailed, UsageError } from '../failures.js';
import { createProgress } from '../progress.js';
import { printJson, type Verb } from '../verb.js';
import { BATCH_OPERATIONS, type BatchOperation, type BatchOutcome, type BatchRequest } from '../../services/batch/batch-contract.js';
import type { InstanceFilter } from '../../services/contract.js';
import { CREATED_AFTER, CREATED_BEFORE, REASON, RUNTIME_STATUS } from './options.js';

const POLL_INTERVAL_IN_MS = 250;

const SAME_ID: OptionSpecs[string] = {
  type: 'boolean',
  description: 'Restart each instance under its own ID (only finished ones; active ones are skipped) instead of a new one.',
};

const FILTER_OPTIONS: OptionSpecs = {
  'created-after': CREATED_AFTER,
  'created-before': CREATED_BEFORE,
  'runtime-status': RUNTIME_STATUS,
  name: { type: 'string', value: '<name>', description: 'Orchestrator name; a trailing * makes it a prefix (Order*).' },
  'instance-id-prefix': { type: 'string', value: '<prefix>', description: 'Only instance IDs starting with this text.' },
};

function filterFrom(values: Values): InstanceFilter | undefined {
  const name = stringValue(values, 'name');
  const filter: InstanceFilter = {
    createdTimeFrom: dateValue(values, 'created-after'),
    createdTimeTo: dateValue(values, 'created-before'),
    runtimeStatus: statusesValue(values, 'runtime-status'),
    instanceIdPrefix: stringValue(values, 'instance-id-prefix'),
    name: name === undefined || name === '*' ? undefined : name.endsWith('*') ? { prefix: name.slice(0, -1) } : { exact: name },
  };
  return Object.values(filter).some((v) => v !== undefined) ? filter : undefined;
}

function idsFrom(values: Values): string[] | undefined {
  const raw = values['instance-ids'];
  if (raw === undefined) return undefined;
  const ids = (Array.isArray(raw) ? raw : [String(raw)])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError('--instance-ids needs at least one id.');
  return ids;
}

const describe = (o: BatchOutcome) =>
  o.outcome === 'done'
    ? `done${o.newInstanceId ? ` (new ID ${o.newInstanceId})` : ''}`
    : o.outcome === 'skipped'
      ? `skipped: ${o.reason}`
      : `failed: ${o.message} (${o.error})`;

function batchVerb(operation: BatchOperation): Verb {
  const extra: OptionSpecs =
    operation === 'raiseEvent'
      ? {
          'event-name': { type: 'string', value: '<name>', description: 'Event name (required).' },
          'event-data': { type: 'string', value: '<json|@file>', description: 'Event data as JSON (default null).' },
        }
      : operation === 'restart'
        ? { 'same-id': SAME_ID }
        : ['terminate', 'suspend', 'resume', 'rewind'].includes(operation)
          ? { reason: REASON }
          : {};
  return {
    name: `batch ${operation}`,
    summary: `${operation} many instances at once: --instance-ids, or every instance matching a filter (--confirm).`,
    synopsis:
      '(--instance-ids <id...> | [--created-after <date>] [--created-before <date>] [--runtime-status <status...>] ' +
      '[--name <name|prefix*>] [--instance-id-prefix <prefix>] [--confirm])',
    notes: [
      'A filter batch first counts the matching instances; without --confirm nothing else happens. With --confirm it runs on exactly those.',
      'Instances that need nothing (already finished, already suspended, not failed, already purged) are skipped, so a retry is harmless.',
      'Exit code 1 when any instance failed. --json prints the final counts and every outcome.',
    ],
    options: {
      'instance-ids': {
        type: 'string',
        value: '<id...>',
        multiple: true,
        spaceSeparated: true,
        description: 'The instances (space or comma separated, or the flag repeated).',
      },
      ...FILTER_OPTIONS,
      ...extra,
      confirm: { type: 'boolean', description: 'Run a filter batch (otherwise only count the matches).' },
    },
    async run(ctx) {
      const instanceIds = idsFrom(ctx.values);
      const filter = filterFrom(ctx.values);
      if ((instanceIds === undefined) === (filter === undefined)) {
        throw new UsageError('Give either --instance-ids or filter options (--created-after, --runtime-status, --name, ...), not both.');
      }
      const request: BatchRequest = { operation, instanceIds, filter, reason: stringValue(ctx.values, 'reason') };
      if (operation === 'raiseEvent') {
        request.eventName = stringValue(ctx.values, 'event-name');
        if (!request.eventName) throw new UsageError('--event-name is required.');
        request.eventData = jsonValue(ctx.values, 'event-data', ctx.cwd) ?? null;
      }
      // As the single-instance restart: a new instance ID unless --same-id.
      if (operation === 'restart') request.restartWithNewInstanceId = ctx.values['same-id'] !== true;
      const batches = await ctx.batches();
      if (filter) {
        const plan = await batches.plan(ctx.hub, request);
        if (ctx.values.confirm !== true) {
          if (ctx.json) printJson(ctx.io, { operation, matched: plan.matched, confirmed: false });
          else ctx.io.out(`${plan.matched} instance(s) match. Add --confirm to ${operation} them.`);
          return 0;
        }
        request.confirm = plan.confirm;
      }
      const started = await batches.start(ctx.hub, request);
      const progress = createProgress(ctx.io.progressStream, `batch ${operation}`);
      const outcomes: BatchOutcome[] = [];
      let last = started;
      try {
        for (;;) {
          last = await batches.get(started.id, outcomes.length);
          outcomes.push(...last.outcomes);
          progress.update(outcomes.length, last.total);
          if (last.state !== 'Running') break;
          await new Promise((r) => setTimeout(r, POLL_INTERVAL_IN_MS));
        }
      } finally {
        progress.finish();
      }
      const { outcomes: _partial, outcomesFrom: _from, ...counts } = last;
      if (ctx.json) printJson(ctx.io, { ...counts, outcomes });
      else {
        for (const o of outcomes) if (o.outcome !== 'done') ctx.io.out(`${o.instanceId}: ${describe(o)}`);
        ctx.io.out(
          `batch ${operation}: ${counts.done} done, ${counts.skipped} skipped, ${counts.failed} failed (${counts.total} instances).`,
        );
      }
      if (counts.failed > 0) throw new OperationFailed(`${counts.failed} instance(s) failed.`);
    },
  };
}

export const BATCH_VERBS: readonly Verb[] = BATCH_OPERATIONS.map(batchVerb);
