// Command-line parsing (node:util parseArgs) and the value parsers shared by the verbs.
// Every problem becomes a UsageError before anything is sent.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { JsonText } from '../services/json-text.js';
import { RUNTIME_STATUSES, type RuntimeStatus } from '../domain/index.js';
import { UsageError } from './failures.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in help after the flag, e.g. `<id>`. */
  value?: string;
  description: string;
  multiple?: boolean;
  /** Accepts several values separated by spaces after one flag (like Core Tools' --runtime-status). */
  spaceSeparated?: boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Options every instance/hub verb understands. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  'task-hub-name': {
    type: 'string',
    value: '<name>',
    description:
      "Task hub to use (default: TASKHUB_HUB_NAME, else host.json's durableTask hubName, else DurableFunctionsHub; with --url: the server's default).",
  },
  'connection-string-setting': {
    type: 'string',
    value: '<name>',
    description:
      'Setting holding the storage connection string, from the environment, else from local.settings.json Values ' +
      "(default: host.json's durableTask AzureStorageConnectionStringName, else AzureWebJobsStorage). With --url: the server's connection name.",
  },
  url: {
    type: 'string',
    value: '<url>',
    description: 'Talk to a running taskhub server (e.g. http://127.0.0.1:7071) instead of the storage account.',
  },
  key: { type: 'string', value: '<key>', description: 'System key for --url (default: the TASKHUB_KEY environment variable).' },
  json: { type: 'boolean', description: 'Print machine-readable JSON instead of text.' },
  help: { type: 'boolean', description: 'Show help for this command.' },
};

/** Turns `--runtime-status Running Pending` into repeated flags, which parseArgs understands. */
function expandSpaceSeparated(argv: string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    out.push(arg);
    const spec = arg.startsWith('--') ? specs[arg.slice(2)] : undefined;
    if (!spec?.spaceSeparated) continue;
    let first = true;
    while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
      if (!first) out.push(arg);
      out.push(argv[++i]);
      first = false;
    }
  }
  return out;
}

const BOOLEAN_TEXT = /^(true|false)$/i;

/**
 * Core Tools' switches also take an explicit value (`--show-input true`, `--show-input=false`), as
 * the documentation prints them: `true` keeps the switch, `false` drops it.
 */
function explicitBooleans(argv: string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = flag.startsWith('--') ? specs[flag.slice(2)] : undefined;
    if (spec?.type !== 'boolean') {
      out.push(arg);
      continue;
    }
    let value = inline;
    if (value === undefined && BOOLEAN_TEXT.test(argv[i + 1] ?? '')) value = argv[++i];
    if (value !== undefined && !BOOLEAN_TEXT.test(value)) throw new UsageError(`${flag} takes true or false, got '${value}'.`);
    if (value === undefined || value.toLowerCase() === 'true') out.push(flag);
  }
  return out;
}

export function parseCommandLine(argv: string[], specs: OptionSpecs): Values {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs))
    options[name] = spec.multiple ? { type: spec.type, multiple: true } : { type: spec.type };
  try {
    const args = expandSpaceSeparated(explicitBooleans(argv, specs), specs);
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return values as Values;
  } catch (error) {
    // parseArgs messages run over several sentences; keep the first one.
    const message = (error as Error).message.split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(`${message}.`);
  }
}

export function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requireString(values: Values, name: string): string {
  const value = stringValue(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required.`);
  return value;
}

/** Inline JSON or `@path` to a JSON file (relative to `cwd`), kept as written; undefined when the option is absent. */
export function jsonValue(values: Values, name: string, cwd: string): JsonText | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  let text = raw;
  let source = `--${name}`;
  if (raw.startsWith('@')) {
    const path = raw.slice(1);
    try {
      text = readFileSync(resolve(cwd, path), 'utf8');
    } catch (error) {
      throw new UsageError(`Cannot read '${path}' for --${name}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}.`);
    }
    source = `'${path}' (--${name})`;
  }
  try {
    return JsonText.parse(text);
  } catch {
    throw new UsageError(`${source} is not valid JSON (quote text as JSON, e.g. '"hello"').`);
  }
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO-8601 date or date-time; a value without an offset is taken as UTC. */
export function dateValue(values: Values, name: string): Date | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const match = DATE_SHAPE.exec(text);
  const utc = match && !match[4] ? (match[1] ? `${text.replace(' ', 'T')}Z` : `${text}T00:00:00Z`) : text;
  const date = new Date(utc);
  // `new Date` rolls 2024-02-30 over to March; a date that does not round-trip is a typo.
  const sameDay =
    match !== null && !Number.isNaN(date.getTime()) && (match[4] !== undefined || date.toISOString().startsWith(text.slice(0, 10)));
  if (!sameDay) {
    throw new UsageError(`--${name} must be an ISO-8601 date such as 2024-05-01 or 2024-05-01T12:00:00Z, got '${raw}'.`);
  }
  return date;
}

/**
 * Several statuses: repeated flags, space separated after one flag, comma lists, or one quoted
 * argument with spaces (`--runtime-status "running completed"`, which Core Tools splits); any case.
 */
export function statusesValue(values: Values, name: string): RuntimeStatus[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [String(raw)])
    .flatMap((v) => v.split(/[\s,]+/))
    .map((v) => v.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new UsageError(`--${name} needs at least one status.`);
  const statuses = parts.map((part) => {
    const status = RUNTIME_STATUSES.find((s) => s.toLowerCase() === part.toLowerCase());
    if (!status) throw new UsageError(`Unknown runtime status '${part}'; use one of ${RUNTIME_STATUSES.join(', ')}.`);
    return status;
  });
  return [...new Set(statuses)];
}

export function numberValue(values: Values, name: string, range: { min: number; max: number; integer?: boolean }): number | undefined {
  const raw = stringValue(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n))) {
    const kind = range.integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${range.min} to ${range.max}, got '${raw}'.`);
  }
  return n;
}
