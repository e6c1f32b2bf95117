// `taskhub` entry point: picks the verb, parses and validates its options, runs it against the
// chosen transport and turns the outcome into an exit code (0 ok, 1 failed, 2 usage).

import { readFileSync } from 'node:fs';
import { DomainError } from '../errors.js';
import { GLOBAL_OPTIONS, parseCommandLine } from './args.js';
import { serverEnv } from './environment.js';
import { OperationFailed, UsageError } from './failures.js';
import { globalHelp, serveHelp, verbHelp } from './help.js';
import { resolveTarget, type Connection } from './transport.js';
import type { Io, Verb } from './verb.js';
import { VERBS } from './verbs/index.js';

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  progressStream: process.stderr,
};

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** `npm start` behind a verb: flags and environment as the server reads them; stops on SIGINT/SIGTERM. */
async function serve(args: string[]): Promise<number | undefined> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(serveHelp());
    return 0;
  }
  const [{ ConfigError, loadConfig }, { startServer }] = await Promise.all([import('../config.js'), import('../server.js')]);
  let config;
  try {
    config = loadConfig(serverEnv(), args);
  } catch (error) {
    throw error instanceof ConfigError ? new UsageError(error.message) : error;
  }
  const server = await startServer(config);
  if (server.url) io.out(`taskhub: listening on ${server.url}`);
  const shutdown = () => {
    server.close().then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return undefined; // keeps running until signalled
}

async function runVerb(verb: Verb, args: string[]): Promise<number> {
  const values = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...verb.options });
  if (values.help === true) {
    process.stdout.write(verbHelp(verb));
    return 0;
  }
  const target = resolveTarget(values);
  let connection: Connection | undefined;
  try {
    const code = await verb.run({
      values,
      json: values.json === true,
      io,
      hub: target.hub,
      overHttp: target.overHttp,
      service: async () => (connection ??= await target.connect()).service,
    });
    return code ?? 0;
  } finally {
    await connection?.close();
  }
}

async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(globalHelp(VERBS));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(globalHelp(VERBS));
    return 0;
  }
  if (name === '--version') {
    io.out(version());
    return 0;
  }
  if (name === 'serve') return serve(rest);
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) throw new UsageError(`Unknown command '${name}'; run 'taskhub --help' for the list.`);
  return runVerb(verb, rest);
}

function describe(error: unknown): { code: number; message: string } {
  if (error instanceof UsageError) return { code: 2, message: error.message };
  if (error instanceof OperationFailed) return { code: 1, message: error.message };
  if (error instanceof DomainError) return { code: 1, message: `${error.message} (${error.code})` };
  return { code: 1, message: error instanceof Error ? error.message : String(error) };
}

async function exit(code: number): Promise<never> {
  // Let piped stdout drain before leaving; SDK sockets would otherwise keep the process alive.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

const argv = process.argv.slice(2);
try {
  const code = await main(argv);
  if (code !== undefined) await exit(code);
} catch (error) {
  const { code, message } = describe(error);
  const verb = argv[0] && !argv[0].startsWith('-') ? ` ${argv[0]}` : '';
  process.stderr.write(`taskhub${verb}: ${oneLine(message)}\n`);
  await exit(code);
}
