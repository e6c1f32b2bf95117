// Verbs that look at one instance over time: its history, and waiting for it to finish.

import { numberValue, requireString } from '../args.js';
import { OperationFailed, UsageError } from '../failures.js';
import { historyTable, statusBlock } from '../output.js';
import { printJson, type Verb } from '../verb.js';
import { ID } from './options.js';

export const getHistory: Verb = {
  name: 'get-history',
  summary: 'Show the history of an instance (event type names, times, payloads).',
  funcEquivalent: 'func durable get-history',
  synopsis: '--id <id>',
  notes: ['--json prints the historyEvents array exactly as the HTTP API returns it.'],
  options: { id: ID },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const status = await (await ctx.service()).getStatus(ctx.hub, id, { showInput: false, showHistory: true, showHistoryOutput: true });
    const events = status.historyEvents ?? [];
    if (ctx.json) printJson(ctx.io, events);
    else ctx.io.out(events.length ? historyTable(events) : `Instance '${id}' has no history yet (${status.runtimeStatus}).`);
  },
};

/** The HTTP API accepts at most an hour; the direct transport keeps the same limit. */
const MAX_TIMEOUT_IN_SECONDS = 3600;

export const wait: Verb = {
  name: 'wait',
  summary: 'Wait until an instance finishes, then show its status and output.',
  synopsis: '--id <id> [--timeout <seconds>] [--retry-interval <seconds>]',
  notes: ['Exit code 0 when the instance Completed; 1 when it Failed, was Terminated or Canceled, or is still running at the timeout.'],
  options: {
    id: ID,
    timeout: { type: 'string', value: '<seconds>', description: 'How long to wait (default 60; decimals allowed).' },
    'retry-interval': { type: 'string', value: '<seconds>', description: 'How often to check (default 1, at most the timeout).' },
  },
  async run(ctx) {
    const id = requireString(ctx.values, 'id');
    const timeout = numberValue(ctx.values, 'timeout', { min: 0.1, max: MAX_TIMEOUT_IN_SECONDS }) ?? 60;
    const interval = numberValue(ctx.values, 'retry-interval', { min: 0.1, max: MAX_TIMEOUT_IN_SECONDS }) ?? Math.min(1, timeout);
    if (interval > timeout) throw new UsageError('--retry-interval must not be longer than --timeout.');
    const result = await (
      await ctx.service()
    ).waitForCompletion(ctx.hub, id, {
      timeoutInMs: timeout * 1000,
      retryIntervalInMs: interval * 1000,
    });
    if (result.status) {
      if (ctx.json) printJson(ctx.io, result.status);
      else ctx.io.out(statusBlock(result.status, { showInput: false, showOutput: true }));
    }
    if (!result.finished) {
      const state = result.status ? ` (still ${result.status.runtimeStatus})` : '';
      throw new OperationFailed(`Instance '${id}' did not finish within ${timeout} s${state}.`);
    }
    if (result.status.runtimeStatus !== 'Completed') {
      throw new OperationFailed(`Instance '${id}' finished ${result.status.runtimeStatus}.`);
    }
  },
};
