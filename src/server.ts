// Process entry: config -> embedded Azurite (when no connection string) -> store provider ->
// default hub -> system keys -> worker (when enabled) -> app -> listen; graceful close.
// Unreachable storage does not stop the server: it answers 503 and starts the worker once storage answers.
//
// Start-up is ordered for time to first answer: the embedded emulator is launched before the heavy
// modules (Fastify, the storage SDKs, the worker) are loaded, so its boot (a separate process)
// overlaps their loading; the default hub is ensured and the worker started while the app is built.

// First import: stop signals are handled before anything slow is loaded (see signals.ts).
import { isServerEntry, onStopSignal } from './signals.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { prepareDataFolder } from './data-folder.js';
import { lockDataFolder } from './data-folder-lock.js';
import { redactSecrets } from './plugins/logging.js';
import { localUrl, publishServerAddress } from './server-address.js';
import { createServerLogger } from './server-logger.js';
import { loadServerModules, systemKeys, whenAll } from './server-support.js';
import { Shutdown } from './shutdown.js';
import { startAzurite } from './storage/azure/azurite.js';
import type { RunningWorker } from './worker/index.js';

export interface RunningServer {
  /** Where the HTTP API listens; empty in worker-only mode. */
  url: string;
  /** Worker-only mode with TASKHUB_METRICS_PORT: where /metrics and /health are served. */
  metricsUrl?: string;
  /**
   * Stops accepting requests, ends long polls, stops the worker, then the embedded emulator.
   * With `graceInMs`, work still in flight after that long is left behind (its messages become
   * visible again after their visibility timeout) and the emulator is stopped anyway.
   */
  close(options?: { graceInMs?: number }): Promise<void>;
}

export interface StartServerOptions {
  /** Aborting it during start-up stops what was started so far and rejects. */
  abortSignal?: AbortSignal;
}

export async function startServer(initial: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const began = performance.now();
  const timings: Record<string, number> = {};
  const mark = (phase: string) => (timings[phase] = Math.round(performance.now() - began));
  const serverLogger = createServerLogger(initial.logLevel);
  const { logger } = serverLogger;
  const shutdown = new Shutdown(logger);
  shutdown.finally(() => Promise.resolve(serverLogger.stop()));
  const abandoned = () => {
    if (shutdown.signal.aborted) throw new Error('start-up abandoned: stop requested');
  };
  options.abortSignal?.addEventListener('abort', () => shutdown.abort(), { once: true });
  try {
    let config = initial;
    const apiKeys = !config.workerOnly;
    const metricsKeys = config.workerOnly && config.metricsPort !== undefined && !config.metricsPublic;
    const keysNeedFolder = config.keys.length === 0 && !config.noAuth && (apiKeys || metricsKeys);
    if (!config.connections.AzureWebJobsStorage || keysNeedFolder) await prepareDataFolder(config.dataDir);
    let emulator: ReturnType<typeof startAzurite> | undefined;
    let lock: Awaited<ReturnType<typeof lockDataFolder>> | undefined;
    if (!config.connections.AzureWebJobsStorage) {
      const held = await lockDataFolder(config.dataDir);
      lock = held;
      shutdown.finally(() => held.release());
      // Launched now, awaited after the modules below are loaded.
      emulator = startAzurite({ location: join(config.dataDir, 'azurite'), abortSignal: shutdown.signal });
      const starting = emulator;
      // A stop while the modules load rejects this promise before anything awaits it; unhandled,
      // that rejection would crash the process (exit 1) instead of the clean abandoned start-up.
      starting.catch(() => undefined);
      shutdown.finally(async () => (await starting.catch(() => undefined))?.stop());
    }
    const modules = await loadServerModules(config);
    mark('modules');
    abandoned();
    modules.checkConnectionStrings(config.connections);
    if (emulator && lock) {
      const azurite = await emulator;
      await lock.setEmulatorPid(azurite.pid);
      mark('azurite');
      abandoned();
      config = { ...config, connections: { ...config.connections, AzureWebJobsStorage: azurite.connectionString } };
      logger.info({ location: join(config.dataDir, 'azurite') }, 'no AzureWebJobsStorage configured: using embedded Azurite');
    }

    const metrics = modules.createMetrics(modules.VERSION);
    const azure = modules.createAzureStoreProvider(config);
    const stores = modules.instrumentStores(azure, metrics);
    modules.observeHubQueues(metrics, azure.hubQueues(config.defaultConnection, config.hubName));
    shutdown.add('stores', () => stores.close());
    const events = new modules.InstanceEvents();
    let worker: RunningWorker | undefined;
    const startWorkerIfEnabled = async () => {
      if (!config.worker || !modules.worker || shutdown.signal.aborted) return;
      const { BlobLeaseHubError, startWorker } = modules.worker;
      try {
        worker = await startWorker({ config, stores, events, logger, observer: modules.workerObserver(metrics) });
      } catch (error) {
        // The API keeps serving such a hub; only a worker-only process has nothing left to do.
        if (!(error instanceof BlobLeaseHubError) || config.workerOnly) throw error;
        logger.error(`worker not started: ${error.message}`);
        return;
      }
      const started = worker;
      metrics.partitionsOwned = () => started.partitionsOwned() ?? [];
      shutdown.add('worker', () => started.stop());
      mark('worker');
    };
    const ensureDefaultHub = () => stores.management(config.defaultConnection, config.hubName).ensure();
    const storageThenWorker = async () => {
      if (await modules.whenStorageReady(ensureDefaultHub, startWorkerIfEnabled, logger, shutdown.signal)) await startWorkerIfEnabled();
    };

    if (config.workerOnly) {
      let metricsUrl: string | undefined;
      if (config.metricsPort !== undefined) {
        // Served from the start, so probes see a live process while storage is still unreachable.
        const { serveWorkerEndpoints } = await import('./observability/worker-endpoints.js');
        const endpoints = await serveWorkerEndpoints({
          host: config.host,
          port: config.metricsPort,
          metrics,
          keys: config.noAuth || config.metricsPublic ? [] : await systemKeys(config),
          public: config.noAuth || config.metricsPublic,
          ready: () => worker !== undefined,
        });
        shutdown.add('metrics listener', () => endpoints.close());
        metricsUrl = endpoints.url;
      }
      await storageThenWorker();
      logger.info({ taskHub: config.hubName, metricsUrl }, 'worker-only mode: no HTTP API');
      logger.debug({ startupInMs: timings }, 'start-up timings');
      return { url: '', metricsUrl, close: (closeOptions) => shutdown.run(closeOptions?.graceInMs) };
    }

    const [, app] = await whenAll([
      storageThenWorker(),
      (async () => {
        const keys = await systemKeys(config);
        const built = await modules.buildApp!({
          config,
          stores,
          logger,
          events,
          orchestratorNames: config.worker ? () => worker?.orchestratorNames() : undefined,
          entityNames: config.worker ? () => worker?.entityNames() : undefined,
          keys,
          metrics,
        });
        shutdown.add('app', () => built.close());
        return { built, keys };
      })(),
    ]);
    mark('app');
    abandoned();
    await app.built.listen({ host: config.host, port: config.port });
    mark('listening');
    const address = app.built.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    try {
      // Removed first on a clean stop.
      const remove = await publishServerAddress(config.dataDir, { url: localUrl(address.address, address.port), key: app.keys[0] });
      shutdown.first(remove);
    } catch (error) {
      logger.warn({ err: error }, `cannot write the server address into ${config.dataDir}; the CLI will not find this server on its own`);
    }
    logger.debug({ startupInMs: timings }, 'start-up timings');
    return { url: `http://${host}:${address.port}`, close: (closeOptions) => shutdown.run(closeOptions?.graceInMs) };
  } catch (error) {
    await shutdown.run();
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
  const grace = config.stopGraceInMs;
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
      if (server.metricsUrl) console.log(`taskhub: worker metrics and health on ${server.metricsUrl}`);
      onStopSignal(() => {
        // Last resort if even the bounded stop hangs (the emulator's own stop is bounded too).
        setTimeout(() => process.exit(1), grace + 5_000).unref();
        server.close({ graceInMs: grace }).then(
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
