// Process entry: config -> embedded Azurite (when no connection string) -> store provider ->
// default hub -> system keys -> worker (when enabled) -> app -> listen; graceful close.
// Unreachable storage does not stop the server: it answers 503 and starts the worker once storage answers.

// First import: stop signals are handled before anything slow is loaded (see signals.ts).
import { isServerEntry, onStopSignal } from './signals.js';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp, VERSION } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareDataFolder } from './data-folder.js';
import { lockDataFolder } from './data-folder-lock.js';
import { localUrl, publishServerAddress } from './server-address.js';
import { instrumentStores } from './observability/instrumented-stores.js';
import { createMetrics } from './observability/metrics.js';
import { observeHubQueues, workerObserver } from './observability/wiring.js';
import { logSerializers, redactSecrets } from './plugins/logging.js';
import { InstanceEvents } from './services/instance-events.js';
import { checkConnectionStrings } from './storage/azure/connection-check.js';
import { createAzureStoreProvider, startAzurite } from './storage/azure/index.js';
import { whenStorageReady } from './storage/readiness.js';
import type { RunningWorker } from './worker/index.js';

export interface RunningServer {
  /** Where the HTTP API listens; empty in worker-only mode. */
  url: string;
  close(): Promise<void>;
}

/** The generated key is kept in the data folder so it survives restarts; printed only when created. */
async function systemKeys(config: Config): Promise<string[]> {
  if (config.keys.length > 0 || config.noAuth) return config.keys;
  const file = join(config.dataDir, 'system-key');
  const existing = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (existing) return [existing];
  const key = randomBytes(32).toString('base64url');
  await mkdir(config.dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  console.log(`taskhub: generated system key ${key} (stored in ${file})`);
  return [key];
}

export interface StartServerOptions {
  /** Aborting it during start-up stops what was started so far and rejects. */
  abortSignal?: AbortSignal;
}

export async function startServer(initial: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const stopped = new AbortController();
  const abandoned = () => {
    if (stopped.signal.aborted) throw new Error('start-up abandoned: stop requested');
  };
  const logger = pino({ level: initial.logLevel, serializers: { err: logSerializers.err } });
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    stopped.abort();
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error }, 'error while shutting down'));
    }
  };

  options.abortSignal?.addEventListener('abort', () => stopped.abort(), { once: true });
  try {
    let config = initial;
    checkConnectionStrings(config.connections);
    const keysNeedFolder = config.keys.length === 0 && !config.noAuth && !config.workerOnly;
    if (!config.connections.AzureWebJobsStorage || keysNeedFolder) await prepareDataFolder(config.dataDir);
    if (!config.connections.AzureWebJobsStorage) {
      const lock = await lockDataFolder(config.dataDir);
      closers.push(() => lock.release());
      const location = join(config.dataDir, 'azurite');
      const azurite = await startAzurite({ location, abortSignal: stopped.signal });
      closers.push(() => azurite.stop());
      await lock.setEmulatorPid(azurite.pid);
      abandoned();
      config = { ...config, connections: { ...config.connections, AzureWebJobsStorage: azurite.connectionString } };
      logger.info({ location }, 'no AzureWebJobsStorage configured: using embedded Azurite');
    }

    const metrics = createMetrics(VERSION);
    const stores = instrumentStores(createAzureStoreProvider(config), metrics);
    observeHubQueues(metrics, config, stores);
    closers.push(() => stores.close());
    const events = new InstanceEvents();
    let worker: RunningWorker | undefined;
    const startWorkerIfEnabled = async () => {
      // Loaded on demand: a server run with --no-worker never loads the worker or user code.
      if (!config.worker || stopped.signal.aborted) return;
      const observer = workerObserver(metrics);
      const { BlobLeaseHubError, startWorker } = await import('./worker/index.js');
      try {
        worker = await startWorker({ config, stores, events, logger, observer });
      } catch (error) {
        // The API keeps serving such a hub; only a worker-only process has nothing left to do.
        if (!(error instanceof BlobLeaseHubError) || config.workerOnly) throw error;
        logger.error(`worker not started: ${error.message}`);
        return;
      }
      metrics.partitionsOwned = () => worker?.partitionsOwned() ?? [];
      closers.push(() => worker!.stop());
    };
    const ensureDefaultHub = () => stores.management(config.defaultConnection, config.hubName).ensure();

    if (config.workerOnly) {
      // Nothing to serve meanwhile: wait for storage, then run.
      const ready = await whenStorageReady(ensureDefaultHub, startWorkerIfEnabled, logger, stopped.signal);
      if (ready) await startWorkerIfEnabled();
      logger.info({ taskHub: config.hubName }, 'worker-only mode: no HTTP listener');
      return { url: '', close: closeAll };
    }
    if (await whenStorageReady(ensureDefaultHub, startWorkerIfEnabled, logger, stopped.signal)) await startWorkerIfEnabled();

    abandoned();
    const keys = await systemKeys(config);
    const app = await buildApp({
      config,
      stores,
      logger,
      events,
      orchestratorNames: config.worker ? () => worker?.orchestratorNames() : undefined,
      keys,
      metrics,
    });
    // The app closes first so in-flight requests finish before the worker and storage go away.
    closers.push(() => app.close());
    abandoned();
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    try {
      // Removed first on a clean stop (closers run in reverse).
      closers.push(await publishServerAddress(config.dataDir, { url: localUrl(address.address, address.port), key: keys[0] }));
    } catch (error) {
      logger.warn({ err: error }, `cannot write the server address into ${config.dataDir}; the CLI will not find this server on its own`);
    }
    return { url: `http://${host}:${address.port}`, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

if (isServerEntry()) {
  let config: Config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`taskhub: ${error.message}`);
    process.exit(2);
  }
  // A stop during start-up abandons it: what was started is stopped, and the process leaves within
  // about a second even if a start-up step does not notice.
  const startup = new AbortController();
  onStopSignal(() => {
    startup.abort();
    setTimeout(() => process.exit(0), 1_500).unref();
  });
  startServer(config, { abortSignal: startup.signal }).then(
    (server) => {
      if (server.url) console.log(`taskhub: listening on ${server.url}`);
      onStopSignal(() => {
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    },
    (error: unknown) => {
      if (startup.signal.aborted) process.exit(0);
      console.error(`taskhub: failed to start: ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
      process.exit(1);
    },
  );
}
