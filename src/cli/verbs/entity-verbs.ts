// Durable Entities from the command line: read, signal, list, and clean entity storage.

import { dateValue, jsonValue, numberValue, requireString, stringValue } from '../args.js';
import { createProgress } from '../progress.js';
import { compact, table } from '../output.js';
import { printJson, type Verb } from '../verb.js';
import type { EntityStatusObject } from '../../services/contract.js';

const NAME = { type: 'string', value: '<name>', description: 'Entity name (any letter case; required).' } as const;
// Not `--key`: that global option carries the system key for --url.
const KEY = { type: 'string', value: '<key>', description: "Entity key (required); '$' is the empty key." } as const;

export const getEntity: Verb = {
  name: 'get-entity',
  summary: 'Show the state of an entity.',
  synopsis: '--entity-name <name> --entity-key <key>',
  notes: ['Prints the state JSON; exits 1 when the entity does not exist (never existed, or deleted).'],
  options: { 'entity-name': NAME, 'entity-key': KEY },
  async run(ctx) {
    const name = requireString(ctx.values, 'entity-name');
    const key = requireString(ctx.values, 'entity-key');
    const state = await (await ctx.service()).getEntity(ctx.hub, name, key);
    printJson(ctx.io, state ?? null);
  },
};

export const signalEntity: Verb = {
  name: 'signal-entity',
  summary: 'Signal an operation on an entity (one-way; the worker runs it).',
  synopsis: '--entity-name <name> --entity-key <key> --operation <op> [--input <json>|@<file>]',
  options: {
    'entity-name': NAME,
    'entity-key': KEY,
    operation: { type: 'string', value: '<op>', description: 'Operation name (required), e.g. add or delete.' },
    input: { type: 'string', value: '<json>|@<file>', description: 'Operation input as inline JSON, or @path to a JSON file.' },
  },
  async run(ctx) {
    const name = requireString(ctx.values, 'entity-name');
    const key = requireString(ctx.values, 'entity-key');
    const operation = requireString(ctx.values, 'operation');
    const input = jsonValue(ctx.values, 'input', ctx.cwd);
    await (await ctx.service()).signalEntity(ctx.hub, name, key, { operation, input });
    if (ctx.json)
      printJson(ctx.io, { entityId: { name: name.toLowerCase(), key: key === '$' ? '' : key }, operation, requested: 'signal-entity' });
    else ctx.io.out(`Signalled '${operation}' on entity ${name.toLowerCase()}/${key}.`);
  },
};

export const listEntities: Verb = {
  name: 'list-entities',
  summary: 'List existing entities, one page at a time (or all pages with --all).',
  synopsis:
    '[--entity-name <name>] [--fetch-state] [--last-operation-after <date>] [--last-operation-before <date>] [--top <n>] [--continuation-token <token>] [--all]',
  notes: ['--json prints {"entities":[...],"continuationToken":"..."} in the HTTP API\'s entity status shape.'],
  options: {
    'entity-name': { type: 'string', value: '<name>', description: 'Only entities of this name.' },
    'fetch-state': { type: 'boolean', description: 'Include each entity state.' },
    'last-operation-after': {
      type: 'string',
      value: '<date>',
      description: 'Only entities that ran an operation at or after this ISO-8601 time.',
    },
    'last-operation-before': {
      type: 'string',
      value: '<date>',
      description: 'Only entities whose last operation ran at or before this ISO-8601 time.',
    },
    top: { type: 'string', value: '<n>', description: 'Page size, 1 to 1000 (default 100). A page may hold fewer.' },
    'continuation-token': { type: 'string', value: '<token>', description: 'Resume from the token printed by the previous page.' },
    all: { type: 'boolean', description: 'Follow continuation tokens and list every matching entity.' },
  },
  async run(ctx) {
    const filter = {
      name: stringValue(ctx.values, 'entity-name'),
      fetchState: ctx.values['fetch-state'] === true,
      lastOperationTimeFrom: dateValue(ctx.values, 'last-operation-after'),
      lastOperationTimeTo: dateValue(ctx.values, 'last-operation-before'),
    };
    const top = numberValue(ctx.values, 'top', { min: 1, max: 1000, integer: true });
    let continuationToken = stringValue(ctx.values, 'continuation-token');
    const all = ctx.values.all === true;
    const service = await ctx.service();
    const entities: EntityStatusObject[] = [];
    const progress = all ? createProgress(ctx.io.progressStream, 'Listing', 'entities') : undefined;
    try {
      do {
        const page = await service.listEntities(ctx.hub, filter, { top, continuationToken });
        entities.push(...page.entities);
        continuationToken = page.continuationToken;
        progress?.update(entities.length);
      } while (all && continuationToken);
    } finally {
      progress?.finish();
    }
    if (ctx.json) printJson(ctx.io, { entities, continuationToken });
    else {
      const headers = ['NAME', 'KEY', 'LAST OPERATION', ...(filter.fetchState ? ['STATE'] : [])];
      const rows = entities.map((e) => [
        e.entityId.name,
        e.entityId.key,
        e.lastOperationTime,
        ...(filter.fetchState ? [compact(e.state, 80)] : []),
      ]);
      ctx.io.out(entities.length ? table(headers, rows) : 'No entities.');
      if (continuationToken) ctx.io.out(`\nMore entities: --continuation-token ${continuationToken}`);
    }
  },
};

export const cleanEntityStorage: Verb = {
  name: 'clean-entity-storage',
  summary: 'Remove deleted, idle entities and release locks held by orchestrations that are gone.',
  synopsis: '[--remove-empty-entities] [--release-orphaned-locks]',
  notes: ["Without either option both are done (the client API's CleanEntityStorageAsync(true, true))."],
  options: {
    'remove-empty-entities': { type: 'boolean', description: 'Purge entities that are deleted, idle and unlocked.' },
    'release-orphaned-locks': { type: 'boolean', description: 'Release locks whose orchestration is no longer running.' },
  },
  async run(ctx) {
    const remove = ctx.values['remove-empty-entities'] === true;
    const release = ctx.values['release-orphaned-locks'] === true;
    const both = !remove && !release;
    const result = await (
      await ctx.service()
    ).cleanEntityStorage(ctx.hub, { removeEmptyEntities: both || remove, releaseOrphanedLocks: both || release });
    if (ctx.json) printJson(ctx.io, result);
    else
      ctx.io.out(
        `Removed ${result.numberOfEmptyEntitiesRemoved} empty entities; released ${result.numberOfOrphanedLocksRemoved} orphaned locks.`,
      );
  },
};
