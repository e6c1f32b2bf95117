// Stop signals, handled from the first moment of the process. src/server.ts imports this module
// first, so its body runs before the rest of the module graph is evaluated (Fastify, the storage
// SDKs, durable-functions). That matters in a container: node as PID 1 ignores SIGTERM and SIGINT
// until a handler exists, so a `docker stop` during start-up would wait for its kill timeout.

import { pathToFileURL } from 'node:url';

type StopHandler = () => void;

/** Fallback while nothing was registered yet: nothing to clean up, leave at once. */
let onStop: StopHandler = () => process.exit(0);
let stopping = false;

function handleStopSignal(): void {
  // A second signal while stopping means "now": e.g. a second Ctrl-C.
  if (stopping) process.exit(1);
  stopping = true;
  onStop();
}

/** True when this process was started as `node dist/server.js` (or `tsx src/server.ts`). */
export function isServerEntry(argv1: string | undefined = process.argv[1]): boolean {
  if (argv1 === undefined) return false;
  const server = new URL('./server', import.meta.url).href;
  return pathToFileURL(argv1).href.replace(/\.[cm]?[jt]s$/, '') === server;
}

/** What the first stop signal does from now on. */
export function onStopSignal(handler: StopHandler): void {
  onStop = handler;
}

if (isServerEntry()) {
  process.on('SIGTERM', handleStopSignal);
  process.on('SIGINT', handleStopSignal);
}
