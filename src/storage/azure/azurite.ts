// Starts the Azurite emulator (the npm package) as a child process on loopback.
// Used by `npm start` when no connection string is configured, and by the test suite.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Folder for Azurite's data; omitted means in-memory. */
  location?: string;
  host?: string;
  /** Aborting it while Azurite starts kills the child and rejects (a stop during start-up). */
  abortSignal?: AbortSignal;
  /** Leave out the LokiJS preload: only for the benchmarks that measure what it saves. */
  withoutLokiFixes?: boolean;
}

export interface RunningAzurite {
  connectionString: string;
  pid: number;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

export function azuriteConnectionString(host: string, ports: { blob: number; queue: number; table: number }): string {
  const base = (port: number) => `http://${host}:${port}/${AZURITE_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_KEY}`,
    `BlobEndpoint=${base(ports.blob)}`,
    `QueueEndpoint=${base(ports.queue)}`,
    `TableEndpoint=${base(ports.table)}`,
  ].join(';');
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(host: string, port: number, deadline: number, alive: () => boolean, signal?: AbortSignal): Promise<void> {
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('Azurite exited while starting');
    if (signal?.aborted) throw new Error('start-up abandoned');
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Azurite did not open port ${port} in time`);
}

/** Makes the emulator exit (after saving) when this process dies, even by SIGKILL. */
const WATCHDOG = fileURLToPath(new URL('../../../bin/azurite-watchdog.cjs', import.meta.url));
/** Keeps the emulator's queue operations and row lookups from slowing (and stalling) as it holds more. */
const LOKI_FIXES = fileURLToPath(new URL('../../../bin/azurite-lokijs.cjs', import.meta.url));

/** Thrown when no storage is configured and the optional `azurite` package is not installed. */
export class AzuriteNotInstalledError extends Error {
  constructor() {
    super(
      'No storage connection is configured (AzureWebJobsStorage) and the embedded Azurite is not installed ' +
        '(an install or image without optional dependencies): set AzureWebJobsStorage to a connection string or ' +
        'an identity-based connection, or install azurite (npm install azurite).',
    );
  }
}

function azuriteMain(): string {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('azurite/package.json'));
  } catch {
    throw new AzuriteNotInstalledError();
  }
  return join(root, 'dist', 'src', 'azurite.js');
}

/** Ports are chosen free and bound a moment later; another process may take one in between. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAzuriteOnce(options);
    } catch (error) {
      if (attempt >= 3 || !(error as Error).message.includes('EADDRINUSE')) throw error;
    }
  }
}

async function startAzuriteOnce(options: AzuriteOptions): Promise<RunningAzurite> {
  const host = options.host ?? '127.0.0.1';
  const ports = { blob: await freePort(host), queue: await freePort(host), table: await freePort(host) };
  const args = [
    '--require',
    WATCHDOG,
    ...(options.withoutLokiFixes ? [] : ['--require', LOKI_FIXES]),
    azuriteMain(),
    '--silent',
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    '--blobHost',
    host,
    '--queueHost',
    host,
    '--tableHost',
    host,
    '--blobPort',
    String(ports.blob),
    '--queuePort',
    String(ports.queue),
    '--tablePort',
    String(ports.table),
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // stdin stays an open pipe for the watchdog: it closes only when this process goes away.
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin?.on('error', () => undefined);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 30_000;
    // An emulator that dies on start (a folder it cannot use) is reported at once, not at the deadline.
    const alive = () => child.exitCode === null && child.signalCode === null;
    for (const port of Object.values(ports)) await waitForPort(host, port, deadline, alive, options.abortSignal);
    // Another process may have taken a port between freePort and Azurite's bind: then Azurite
    // exits (EADDRINUSE) while the port answers for someone else.
    await new Promise((r) => setTimeout(r, 200));
    if (!alive()) throw new Error('Azurite exited right after starting');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Azurite failed to start: ${stderr.slice(0, 500) || (error as Error).message}`);
  }
  return {
    connectionString: azuriteConnectionString(host, ports),
    pid: child.pid ?? 0,
    ports,
    async stop() {
      if (child.exitCode === null) {
        // Closing its stdin is the stop request: the watchdog then sends the emulator SIGTERM (it
        // saves and closes its servers) and no longer holds it open. A SIGTERM alone left the
        // watchdog's stdin keeping the process alive until the SIGKILL below.
        child.stdin?.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
