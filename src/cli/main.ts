// `taskhub` in one function: picks the verb, parses and validates its options, runs it against the
// chosen transport and turns the outcome into an exit code (0 ok, 1 failed, 2 usage). Everything it
// touches of the process (output, environment, working directory, terminal) comes in through `CliIo`,
// so tests run it in-process; bin/taskhub.mjs owns the process (signals, exit).

import { readFileSync } from 'node:fs';
import { DomainError } from '../domain/index.js';
import { GLOBAL_OPTIONS, parseCommandLine } from './args.js';
import type { Env } from './environment.js';
import { OperationFailed, UsageError } from './failures.js';
import { globalHelp, serveHelp, verbHelp } from './help.js';
import { resolveTarget, type Connection } from './transport.js';
import type { Io, Verb } from './verb.js';
import { VERBS } from './verbs/index.js';
import { BATCH_OPERATIONS } from '../services/batch/batch-contract.js';

export interface CliWriter {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: CliWriter;
  stderr: CliWriter;
  env: Env;
  /** Where relative `@file` paths are read from. */
  cwd: string;
  /** Whether stderr is a terminal: progress is drawn only then. */
  isTTY: boolean;
  /** Terminal width for the progress line. */
  columns?: number;
  /** `serve` runs until this aborts (the executable aborts it on SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `npm start` behind a verb: flags and environment as the server reads them; stops when `io.signal` aborts. */
async function serve(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(serveHelp());
    return 0;
  }
  const [{ ConfigError, loadConfig }, { startServer }] = await Promise.all([import('../config.js'), import('../server.js')]);
  let config;
  try {
    config = loadConfig(io.env, args);
  } catch (error) {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  }
  const server = await startServer(config);
  if (server.url) io.stdout.write(`taskhub: listening on ${server.url}\n`);
  const signal = io.signal;
  if (!signal?.aborted) await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
  await server.close({ graceInMs: config.stopGraceInMs });
  return 0;
}

async function runVerb(verb: Verb, args: string[], cliIo: CliIo): Promise<number> {
  const values = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...verb.options });
  if (values.help === true) {
    cliIo.stdout.write(verbHelp(verb));
    return 0;
  }
  const io: Io = {
    out: (text) => cliIo.stdout.write(`${text}\n`),
    progressStream: { isTTY: cliIo.isTTY, columns: cliIo.columns, write: (text) => cliIo.stderr.write(text) },
  };
  const target = resolveTarget(values, cliIo.env, { cwd: cliIo.cwd, notice: (text) => cliIo.stderr.write(`${text}\n`) });
  let connection: Connection | undefined;
  try {
    const code = await verb.run({
      values,
      json: values.json === true,
      io,
      cwd: cliIo.cwd,
      hub: target.hub,
      overHttp: target.overHttp,
      service: async () => (connection ??= await target.connect()).service,
      batches: async () => (connection ??= await target.connect()).batches,
    });
    return code ?? 0;
  } finally {
    await connection?.close();
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(globalHelp(VERBS));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(globalHelp(VERBS));
    return 0;
  }
  if (name === '--version') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (name === 'serve') return serve(rest, io);
  // `batch terminate ...`: the operation is part of the verb's name.
  if (name === 'batch' && rest[0] && !rest[0].startsWith('-')) {
    const [operation, ...options] = rest;
    const batchVerb = VERBS.find((v) => v.name === `batch ${operation}`);
    if (!batchVerb) throw new UsageError(`Unknown batch operation '${operation}'; use ${BATCH_OPERATIONS.join(', ')}.`);
    return runVerb(batchVerb, options, io);
  }
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) throw new UsageError(`Unknown command '${name}'; run 'taskhub --help' for the list.`);
  return runVerb(verb, rest, io);
}

function describe(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: 2, message: error.message };
  if (error instanceof OperationFailed) return { code: 1, message: error.message };
  if (error instanceof DomainError) return { code: 1, message: `${error.message} (${error.code})` };
  return { code: 1, message: error instanceof Error ? error.message : String(error) };
}

/** Runs one command line; resolves to the exit code. Failures become one line on stderr. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const { code, message } = describe(error);
    const verb = argv[0] && !argv[0].startsWith('-') ? ` ${argv[0]}` : '';
    io.stderr.write(`taskhub${verb}: ${oneLine(message)}\n`);
    return code;
  }
}
