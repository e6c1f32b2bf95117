#!/usr/bin/env node
// The `taskhub` executable: registers tsx so the TypeScript sources run as they are, then hands the
// process (output, environment, signals) to `run` and exits with its code.
// Imports are relative to this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli/main.ts');

const argv = process.argv.slice(2);
const stop = new AbortController();
// Only `serve` keeps running; every other verb keeps the default Ctrl-C behaviour.
if (argv[0] === 'serve') for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
const code = await run(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  isTTY: process.stderr.isTTY === true,
  columns: process.stderr.columns,
  signal: stop.signal,
});
// Let piped stdout drain before leaving; SDK sockets would otherwise keep the process alive.
await new Promise((resolve) => process.stdout.write('', resolve));
process.exit(code);
