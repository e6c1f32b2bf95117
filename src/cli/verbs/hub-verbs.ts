// Verbs over many instances or the whole task hub.

import type { ListPage, StatusObject } from '../../services/contract.js';
import { TERMINAL_STATUSES } from '../../domain/index.js';
import { dateValue, numberValue, statusesValue, stringValue } from '../args.js';
import { UsageError } from '../failures.js';
import { instancesTable } from '../output.js';
import { createProgress } from '../progress.js';
import { printJson, type Verb } from '../verb.js';
import { CREATED_AFTER, CREATED_BEFORE, RUNTIME_STATUS, SHOW_INPUT } from './options.js';

/** `func durable get-instances --top` default (DurableGetInstances.cs). */
const CORE_TOOLS_TOP = 10;

export const getInstances: Verb = {
  name: 'get-instances',
  summary: 'List instances, one page at a time (or all pages with --all).',
  funcEquivalent: 'func durable get-instances',
  synopsis:
    '[--created-after <date>] [--created-before <date>] [--runtime-status <status...>] [--top <n>] [--continuation-token <token>] [--all]',
  notes: ['--json prints {"instances":[...],"continuationToken":"..."}; the token is absent on the last page.'],
  options: {
    'created-after': CREATED_AFTER,
    'created-before': CREATED_BEFORE,
    'runtime-status': RUNTIME_STATUS,
    'instance-id-prefix': { type: 'string', value: '<prefix>', description: 'Only instances whose ID starts with this text.' },
    top: {
      type: 'string',
      value: '<n>',
      description: 'Page size, 1 to 1000 (default 10, as Core Tools; with --all 100). A page may hold fewer.',
    },
    'continuation-token': { type: 'string', value: '<token>', description: 'Resume from the token printed by the previous page.' },
    all: { type: 'boolean', description: 'Follow continuation tokens and list every matching instance.' },
    'show-input': SHOW_INPUT,
  },
  async run(ctx) {
    const filter = {
      createdTimeFrom: dateValue(ctx.values, 'created-after'),
      createdTimeTo: dateValue(ctx.values, 'created-before'),
      runtimeStatus: statusesValue(ctx.values, 'runtime-status'),
      instanceIdPrefix: stringValue(ctx.values, 'instance-id-prefix'),
      showInput: ctx.values['show-input'] === true,
    };
    const all = ctx.values.all === true;
    // One page is Core Tools' page (its --top defaults to 10); --all, which Core Tools lacks, keeps
    // the service's larger page so following every page costs fewer round trips.
    const top = numberValue(ctx.values, 'top', { min: 1, max: 1000, integer: true }) ?? (all ? undefined : CORE_TOOLS_TOP);
    let continuationToken = stringValue(ctx.values, 'continuation-token');
    const service = await ctx.service();
    const instances: StatusObject[] = [];
    let page: ListPage;
    const progress = all ? createProgress(ctx.io.progressStream, 'Listing') : undefined;
    try {
      do {
        page = await service.list(ctx.hub, filter, { top, continuationToken });
        instances.push(...page.instances);
        continuationToken = page.continuationToken;
        progress?.update(instances.length);
      } while (all && continuationToken);
    } finally {
      progress?.finish();
    }
    if (ctx.json) printJson(ctx.io, { instances, continuationToken });
    else {
      ctx.io.out(instances.length ? instancesTable(instances) : 'No instances.');
      if (continuationToken) ctx.io.out(`\nMore instances: --continuation-token ${continuationToken}`);
    }
  },
};

/** Core Tools purges from the beginning of time when --created-after is left out. */
const BEGINNING = new Date('1601-01-01T00:00:00Z');

export const purgeHistory: Verb = {
  name: 'purge-history',
  summary: 'Delete finished instances (history, status rows, blobs) created in a time window.',
  funcEquivalent: 'func durable purge-history',
  synopsis: '[--created-after <date>] [--created-before <date>] [--runtime-status <status...>]',
  notes: [
    'Only terminal statuses (Completed, Failed, Terminated, Canceled) can be purged; the default is all of them.',
    'Prints the number of instances deleted and the throughput; --json prints {"instancesDeleted":N}.',
  ],
  options: { 'created-after': CREATED_AFTER, 'created-before': CREATED_BEFORE, 'runtime-status': RUNTIME_STATUS },
  async run(ctx) {
    const createdTimeFrom = dateValue(ctx.values, 'created-after') ?? BEGINNING;
    const createdTimeTo = dateValue(ctx.values, 'created-before');
    const runtimeStatus = statusesValue(ctx.values, 'runtime-status') ?? [...TERMINAL_STATUSES];
    const running = runtimeStatus.filter((s) => !TERMINAL_STATUSES.includes(s));
    if (running.length) throw new UsageError(`Only finished instances can be purged; remove ${running.join(', ')} from --runtime-status.`);
    const service = await ctx.service();
    const progress = createProgress(ctx.io.progressStream, 'Purging');
    const startedAt = performance.now();
    let deleted: number;
    try {
      const result = await service.purgeBy(ctx.hub, { createdTimeFrom, createdTimeTo, runtimeStatus }, (n) => progress.update(n));
      deleted = result.instancesDeleted;
    } catch (error) {
      // Nothing matched: for a command line that is an empty result, not a failure.
      if ((error as { code?: string }).code !== 'NothingToPurge') throw error;
      deleted = 0;
    } finally {
      progress.finish();
    }
    const seconds = (performance.now() - startedAt) / 1000;
    if (ctx.json) printJson(ctx.io, { instancesDeleted: deleted });
    else
      ctx.io.out(
        `Purged ${deleted} instance(s) in ${seconds.toFixed(2)} s (${Math.round(deleted / Math.max(seconds, 0.001))} instances/s).`,
      );
  },
};

export const deleteTaskHub: Verb = {
  name: 'delete-task-hub',
  summary: 'Delete every storage resource of the task hub (tables, queues, blobs). Cannot be undone.',
  funcEquivalent: 'func durable delete-task-hub',
  synopsis: '[--task-hub-name <name>]',
  notes: ['With --url, --task-hub-name is required: the server never deletes its default hub implicitly.'],
  options: {},
  async run(ctx) {
    if (ctx.overHttp && !ctx.hub.taskHub) throw new UsageError('delete-task-hub with --url needs --task-hub-name <name>.');
    const service = await ctx.service();
    const progress = createProgress(ctx.io.progressStream, 'Deleting task hub', 'resources');
    try {
      await service.deleteTaskHub(ctx.hub);
    } finally {
      progress.finish();
    }
    if (ctx.json) printJson(ctx.io, { taskHub: ctx.hub.taskHub, deleted: true });
    else ctx.io.out(`Deleted task hub '${ctx.hub.taskHub}'.`);
  },
};
