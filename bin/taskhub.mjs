#!/usr/bin/env node
// The `taskhub` executable: hands the process (output, environment, signals) to `run` and exits
// with its code. In a checkout with its dev dependencies it runs the TypeScript sources through tsx
// (never a stale build); where there are no sources (the image, a production install) it runs the
// compiled dist/. Imports are relative to this file, so it works from any working directory.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const tsx = existsSync(source) ? await import('tsx/esm/api').catch(() => undefined) : undefined;
tsx?.register();
const { run } = await import(tsx ? source.href : '../dist/cli/main.js');

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
