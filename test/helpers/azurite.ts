// An Azurite of its own for scripts run outside vitest (`npm run fuzz`); tests use the suite's one
// (global-setup.ts, read through hub.ts).
import { startAzurite } from '../../src/storage/azure/azurite.js';

/** Starts an in-memory Azurite, runs `work` with its connection string, and stops it however `work` ends. */
export async function withPrivateAzurite<T>(work: (connectionString: string) => Promise<T>): Promise<T> {
  const azurite = await startAzurite();
  try {
    return await work(azurite.connectionString);
  } finally {
    await azurite.stop();
  }
}
