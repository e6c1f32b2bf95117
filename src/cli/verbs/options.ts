// Option definitions shared by several verbs.
import type { OptionSpec } from '../args.js';

export const ID: OptionSpec = { type: 'string', value: '<id>', description: 'Instance ID (required).' };
export const REASON: OptionSpec = { type: 'string', value: '<text>', description: 'Reason recorded with the operation.' };
export const SHOW_INPUT: OptionSpec = { type: 'boolean', description: 'Include the orchestration input.' };
export const SHOW_OUTPUT: OptionSpec = { type: 'boolean', description: 'Include the orchestration output.' };
export const CREATED_AFTER: OptionSpec = {
  type: 'string',
  value: '<date>',
  description: 'Only instances created at or after this ISO-8601 time (UTC when no offset is given).',
};
export const CREATED_BEFORE: OptionSpec = {
  type: 'string',
  value: '<date>',
  description: 'Only instances created at or before this ISO-8601 time (UTC when no offset is given).',
};
export const RUNTIME_STATUS: OptionSpec = {
  type: 'string',
  value: '<status...>',
  multiple: true,
  spaceSeparated: true,
  description:
    'Only these statuses: Running, Pending, Completed, Failed, Terminated, Canceled, Suspended, ContinuedAsNew. ' +
    'Several may follow one flag (space separated), be comma separated, or the flag may be repeated; any case.',
};
