// Worker-only process entry (scale-out, and the crash test): `tsx src/worker/main.ts [flags]`.
// Takes the storage connection from config (no embedded Azurite) and stops on SIGTERM/SIGINT.
// Extra flags for tests and tuning: --lease-duration-ms N, --message-visibility-ms N.

import pino from 'pino';
import { loadConfig } from '../config.js';
import { InstanceEvents } from '../services/instance-events.js';
import { createAzureStoreProvider } from '../storage/azure/index.js';
import { startWorker, type WorkerTuning } from './index.js';

function takeTuningFlags(argv: string[]): { rest: string[]; tuning: Partial<WorkerTuning> } {
  const rest: string[] = [];
  const tuning: Partial<WorkerTuning> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--lease-duration-ms' || flag === '--message-visibility-ms') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 100) throw new Error(`${flag} needs a whole number of milliseconds (>= 100).`);
      if (flag === '--lease-duration-ms') tuning.leaseDurationInMs = value;
      else tuning.controlVisibilityInMs = tuning.workItemVisibilityInMs = value;
    } else rest.push(flag);
  }
  return { rest, tuning };
}

async function main(): Promise<void> {
  const { rest, tuning } = takeTuningFlags(process.argv.slice(2));
  const config = loadConfig(process.env, rest);
  const logger = pino({ level: config.logLevel });
  if (!config.connections[config.defaultConnection]) {
    throw new Error(`The worker-only process needs a storage connection string in ${config.defaultConnection}.`);
  }
  const stores = createAzureStoreProvider(config);
  const worker = await startWorker({ config, stores, events: new InstanceEvents(), logger, tuning });
  const shutdown = () => {
    worker
      .stop()
      .then(() => stores.close())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
