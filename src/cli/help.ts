// `taskhub --help` and `taskhub <verb> --help`, rendered from the verb definitions.

import { GLOBAL_OPTIONS, type OptionSpecs } from './args.js';
import type { Verb } from './verb.js';

function optionLines(specs: OptionSpecs): string[] {
  const flags = Object.entries(specs).map(([name, spec]) => `--${name}${spec.value ? ` ${spec.value}` : ''}`);
  const width = Math.max(...flags.map((f) => f.length));
  return Object.values(specs).map((spec, i) => `  ${flags[i].padEnd(width)}  ${spec.description}`);
}

const TRANSPORTS = [
  'Transports:',
  '  By default taskhub works on the task hub storage directly (like Core Tools), with the connection string',
  '  read from the environment setting named by --connection-string-setting (default AzureWebJobsStorage).',
  '  In a Functions app folder, as Core Tools: the hub and setting name from host.json, the connection',
  '  string from local.settings.json when the environment has none.',
  '  With --url it sends the same operations to a running taskhub server (key: --key or TASKHUB_KEY).',
];

const EXIT_CODES = ['Exit codes: 0 success; 1 the operation failed (not found, gone, conflict, ...); 2 usage error (nothing was sent).'];

export function globalHelp(verbs: readonly Verb[]): string {
  const width = Math.max(...verbs.map((v) => v.name.length), 'serve'.length);
  return [
    'taskhub: manage Durable Functions task hubs (the `func durable` verbs, and more).',
    '',
    'Usage: taskhub <command> [options]',
    '       taskhub <command> --help',
    '',
    'Commands:',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}${v.funcEquivalent ? ` (${v.funcEquivalent})` : ''}`),
    `  ${'serve'.padEnd(width)}  Start the taskhub server (same as npm start).`,
    '',
    'Options for every command except serve:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    ...TRANSPORTS,
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

export function verbHelp(verb: Verb): string {
  return [
    `taskhub ${verb.name}: ${verb.summary}`,
    ...(verb.funcEquivalent ? [`Same as: ${verb.funcEquivalent}`] : []),
    '',
    `Usage: taskhub ${verb.name} ${verb.synopsis} [options]`,
    ...(verb.notes?.length ? ['', ...verb.notes] : []),
    '',
    'Options:',
    ...optionLines({ ...verb.options, ...GLOBAL_OPTIONS }),
    '',
    ...TRANSPORTS,
    '',
    ...EXIT_CODES,
    '',
  ].join('\n');
}

export function serveHelp(): string {
  return [
    'taskhub serve: start the taskhub server (the same thing `npm start` runs).',
    '',
    'Usage: taskhub serve [options]',
    '',
    'Options (each overrides the environment variable named in brackets):',
    '  --port <n>             Port to listen on [PORT, default 7071].',
    '  --host <address>       Address to listen on [HOST, default 127.0.0.1].',
    '  --task-hub-name <name> Default task hub [TASKHUB_HUB_NAME, default DurableFunctionsHub].',
    '  --hub <name>           Same as --task-hub-name.',
    '  --data-dir <path>      Embedded Azurite data and generated key [TASKHUB_DATA_DIR, default ./.taskhub].',
    '  --public-url <url>     Origin used in check-status URLs [TASKHUB_PUBLIC_URL].',
    '  --app <module>         Module registering orchestrations and activities [TASKHUB_APP].',
    '  --partition-count <n>  Control-queue partitions for a new hub [TASKHUB_PARTITION_COUNT].',
    '  --no-auth              Do not check the system key [TASKHUB_NO_AUTH=true]; trusted loopback only.',
    '  --no-worker            Do not run the built-in worker [TASKHUB_WORKER=false].',
    '  --worker-only          Run only the worker, no HTTP listener [TASKHUB_WORKER_ONLY=true].',
    '  --help                 Show this help.',
    '',
    'Storage: AzureWebJobsStorage (connection string); unset starts an embedded Azurite.',
    '',
  ].join('\n');
}
