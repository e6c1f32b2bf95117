// What the composition root (server.ts) needs besides its order of steps: the modules it loads
// while the embedded emulator boots, the system key kept in the data folder, and a Promise.all
// that lets every branch finish before reporting a failure (so nothing is left starting).

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The heavy modules: the storage SDKs, metrics, Fastify and the app (not in worker-only mode), the
 * worker and durable-functions (not with --no-worker). A process loads only what it runs.
 */
export async function loadServerModules(config: Config) {
  const [azure, check, metrics, instrumented, wiring, events, readiness, version, app, worker] = await Promise.all([
    import('./storage/azure/index.js'),
    import('./storage/azure/connection-check.js'),
    import('./observability/metrics.js'),
    import('./observability/instrumented-stores.js'),
    import('./observability/wiring.js'),
    import('./services/instance-events.js'),
    import('./storage/readiness.js'),
    import('./version.js'),
    config.workerOnly ? undefined : import('./app.js'),
    config.worker ? import('./worker/index.js') : undefined,
  ]);
  return {
    createAzureStoreProvider: azure.createAzureStoreProvider,
    checkConnectionStrings: check.checkConnectionStrings,
    createMetrics: metrics.createMetrics,
    instrumentStores: instrumented.instrumentStores,
    observeHubQueues: wiring.observeHubQueues,
    workerObserver: wiring.workerObserver,
    InstanceEvents: events.InstanceEvents,
    whenStorageReady: readiness.whenStorageReady,
    VERSION: version.VERSION,
    buildApp: app?.buildApp,
    worker,
  };
}

/** The generated key is kept in the data folder so it survives restarts; printed only when created. */
export async function systemKeys(config: Config): Promise<string[]> {
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

/** Like Promise.all, but waits for every promise to settle before rejecting with the first failure. */
export async function whenAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
