// Waiting for storage at start-up. A server whose account is briefly unreachable (a container
// started before its network, a storage outage) should come up and answer 503 meanwhile, not exit;
// any other failure (a wrong key, a bad account name) is a configuration error and stops it.

import type { Logger } from 'pino';
import { DomainError } from '../domain/index.js';

const RETRY_INTERVAL_MS = 5_000;

const isUnavailable = (error: unknown) => error instanceof DomainError && error.code === 'StorageUnavailable';

/**
 * Runs `attempt` once; if storage is unreachable, returns false and keeps retrying in the
 * background, calling `onReady` after the first success. Other errors are thrown.
 */
export async function whenStorageReady(
  attempt: () => Promise<void>,
  onReady: () => Promise<void>,
  logger: Logger,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await attempt();
    return true;
  } catch (error) {
    if (!isUnavailable(error)) throw error;
  }
  logger.warn(`storage is unreachable; answering 503 and retrying every ${RETRY_INTERVAL_MS / 1000} s`);
  const retry = async (): Promise<void> => {
    if (signal.aborted) return;
    try {
      await attempt();
      logger.info('storage is reachable again');
      await onReady();
    } catch (error) {
      if (!isUnavailable(error)) {
        logger.error({ err: error }, 'storage set-up failed');
        return;
      }
      setTimeout(() => void retry(), RETRY_INTERVAL_MS).unref();
    }
  };
  setTimeout(() => void retry(), RETRY_INTERVAL_MS).unref();
  return false;
}
