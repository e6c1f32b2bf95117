// Verbs that address one instance by --id.

import { randomUUID } from 'node:crypto';
import { jsonValue, requireString, stringValue } from '../args.js';
import { statusBlock } from '../output.js';
import { UsageError } from '../failures.js';
import { printJson, type Verb, type VerbContext } from '../verb.js';
import { ID, REASON, SHOW_INPUT, SHOW_OUTPUT } from './options.js';

export const startNew: Verb = {
  name: 'start-new',
  summary: 'Start a new orchestration instance.',
  funcEquivalent: 'func durable start-new',
  synopsis: '--function-name <name> [--id <id>] [--input <json>|@<file>]',
  options: {
    'function-name': { type: 'string', value: '<name>', description: 'Orchestrator function to start (required).' },
    id: { type: 'string', value: '<id>', description: 'Instance ID to use (default: a new random ID).' },
    input: { type: 'string', value: '<json>|@<file>', description: 'Input as inline JSON, or @path to a JSON file.' },
  },
  async run(ctx) {
    const name = requireString(ctx.values, 'function-name');
    const instanceId = stringValue(ctx.values, 'id');
    const input = jsonValue(ctx.values, 'input', ctx.cwd);
    const result = await (await ctx.service()).start(ctx.hub, { name, instanceId, input });
    if (ctx.json) printJson(ctx.io, result);
    else ctx.io.out(`Started '${name}' as instance '${result.instanceId}'.`);
  },
};

export const getRuntimeStatus: Verb = {
  name: 'get-runtime-status',
  summary: 'Show the status of one instance.',
  funcEquivalent: 'func durable get-runtime-status',
  synopsis: '--id <id> [--show-input] [--show-output]',
  notes: ['Without --show-input/--show-output the input/output are left out (null in --json output).'],
  options: { id: ID, 'show-input': SHOW_INPUT, 'show-output': SHOW_OUTPUT },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const showInput = ctx.values['show-input'] === true;
    const showOutput = ctx.values['show-output'] === true;
    const status = await (await ctx.service()).getStatus(ctx.hub, id, { showInput });
    const shown = { ...status, input: showInput ? status.input : null, output: showOutput ? status.output : null };
    if (ctx.json) printJson(ctx.io, shown);
    else ctx.io.out(statusBlock(shown, { showInput, showOutput }));
  },
};

/** terminate, suspend, resume, rewind: send a request, print what was asked. */
function requestVerb(action: 'terminate' | 'suspend' | 'resume' | 'rewind', summary: string, funcEquivalent?: string): Verb {
  return {
    name: action,
    summary,
    funcEquivalent,
    synopsis: '--id <id> [--reason <text>]',
    options: { id: ID, reason: REASON },
    async run(ctx: VerbContext) {
      const id = requireString(ctx.values, 'id');
      const reason = stringValue(ctx.values, 'reason');
      await (await ctx.service())[action](ctx.hub, id, reason);
      if (ctx.json) printJson(ctx.io, { instanceId: id, requested: action });
      else ctx.io.out(`Requested ${action} of instance '${id}'.`);
    },
  };
}

export const terminate = requestVerb('terminate', 'Terminate a running instance.', 'func durable terminate');
export const suspend = requestVerb('suspend', 'Suspend a running instance.');
export const resume = requestVerb('resume', 'Resume a suspended instance.');
export const rewind = requestVerb('rewind', 'Rewind a Failed instance so it retries its failed work.', 'func durable rewind');

/** Core Tools' name for an event raised without --event-name (DurableRaiseEvent.cs: `Event_{Guid.NewGuid():N}`). */
function defaultEventName(): string {
  return `Event_${randomUUID().replace(/-/g, '')}`;
}

export const raiseEvent: Verb = {
  name: 'raise-event',
  summary: 'Send an external event to an instance.',
  funcEquivalent: 'func durable raise-event',
  synopsis: '--id <id> [--event-name <name>] [--event-data <json>|@<file>]',
  options: {
    id: ID,
    'event-name': {
      type: 'string',
      value: '<name>',
      description: 'Name of the event (default: Event_ and a new random ID, as Core Tools; the name is printed).',
    },
    'event-data': {
      type: 'string',
      value: '<json>|@<file>',
      description: 'Event payload as inline JSON, or @path to a JSON file (default: null).',
    },
  },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const eventName = stringValue(ctx.values, 'event-name') ?? defaultEventName();
    if (eventName.trim() === '') throw new UsageError('--event-name must not be empty.');
    const data = jsonValue(ctx.values, 'event-data', ctx.cwd) ?? null;
    await (await ctx.service()).raiseEvent(ctx.hub, id, eventName, data);
    if (ctx.json) printJson(ctx.io, { instanceId: id, requested: 'raise-event', eventName });
    else ctx.io.out(`Raised event '${eventName}' on instance '${id}'.`);
  },
};

export const restart: Verb = {
  name: 'restart',
  summary: 'Start a finished instance again with its original input.',
  synopsis: '--id <id> [--same-id]',
  options: {
    id: ID,
    'same-id': { type: 'boolean', description: 'Reuse the instance ID instead of starting under a new one.' },
  },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const restartWithNewInstanceId = ctx.values['same-id'] !== true;
    const result = await (await ctx.service()).restart(ctx.hub, id, { restartWithNewInstanceId });
    if (ctx.json) printJson(ctx.io, result);
    else ctx.io.out(`Restarted '${id}' as instance '${result.instanceId}'.`);
  },
};

export const purge: Verb = {
  name: 'purge',
  summary: 'Delete one instance: its history, status row and large-message blobs.',
  synopsis: '--id <id>',
  options: { id: ID },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const result = await (await ctx.service()).purge(ctx.hub, id);
    if (ctx.json) printJson(ctx.io, result);
    else ctx.io.out(`Purged instance '${id}'.`);
  },
};
