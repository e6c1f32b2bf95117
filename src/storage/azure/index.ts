// Azure Storage implementation of the store port: one store per (connection, hub), created lazily.

import { DomainError, storageUnavailable } from '../../domain/index.js';
import type { Config } from '../../config.js';
import type { StoreProvider } from '../port.js';
import { createAccountClients, isNotFound, isUnreachable, unreachableReason, type AccountClients } from './clients.js';
import { DEFAULT_HISTORY_CACHE_LIMITS } from './history-cache.js';
import { AzureTaskHubStore } from './task-hub-store.js';

export { startAzurite } from './azurite.js';
export { AzureTaskHubStore } from './task-hub-store.js';

/**
 * Turns network failures into StorageUnavailable, and a 404 from a hub whose tables are gone (deleted
 * by another server or the CLI after this one saw it) into TaskHubNotFound, so callers never see SDK
 * internals (or secrets), nor the service's error text as a 400.
 */
function guarded(target: AzureTaskHubStore, connectionName: string): AzureTaskHubStore {
  const hubGone = async (error: unknown): Promise<boolean> => isNotFound(error) && !(await target.exists().catch(() => true));
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        if (!(result instanceof Promise)) return result;
        return result.catch(async (error: unknown) => {
          if (error instanceof DomainError) throw error;
          if (isUnreachable(error)) throw storageUnavailable(unreachableReason(error));
          if (await hubGone(error)) {
            throw new DomainError('TaskHubNotFound', `Task hub '${obj.hubName}' does not exist on connection '${connectionName}'.`);
          }
          throw error;
        });
      };
    },
  });
}

/** A hub's queues and their approximate message counts, as the queue-depth metric samples them. */
export interface HubQueueDepths {
  queueNames(): Promise<string[]>;
  approximateCount(queue: string): Promise<number>;
}

/** The provider, with the adapter itself for the composition root and the adapter's own tests. */
export interface AzureStoreProvider extends StoreProvider {
  adapter(connectionName: string, hubName: string): AzureTaskHubStore;
  /** Read at scrape time; a connection that cannot be used yields failed reads, not a failed start. */
  hubQueues(connectionName: string, hubName: string): HubQueueDepths;
}

export function createAzureStoreProvider(config: Config): AzureStoreProvider {
  const accounts = new Map<string, AccountClients>();
  const stores = new Map<string, AzureTaskHubStore>();
  const adapter = (connectionName: string, hubName: string): AzureTaskHubStore => {
    const connectionString = config.connections[connectionName];
    if (!Object.hasOwn(config.connections, connectionName)) {
      throw new DomainError('UnknownConnection', `Connection '${connectionName}' is not configured.`);
    }
    if (!connectionString) {
      throw new DomainError('UnknownConnection', `Connection '${connectionName}' has no connection string.`);
    }
    const key = `${connectionName}\u0000${hubName}`;
    let store = stores.get(key);
    if (!store) {
      let clients = accounts.get(connectionName);
      if (!clients) {
        clients = createAccountClients(connectionString, { tryTimeoutInMs: config.storageTryTimeoutInMs });
        accounts.set(connectionName, clients);
      }
      store = guarded(
        new AzureTaskHubStore(hubName, clients, {
          defaultPartitionCount: config.partitionCount ?? 4,
          queueEncoding: config.queueEncoding,
          ...(config.historyCacheMb !== undefined
            ? { historyCache: { ...DEFAULT_HISTORY_CACHE_LIMITS, maxBytes: config.historyCacheMb * 1024 * 1024 } }
            : {}),
        }),
        connectionName,
      );
      stores.set(key, store);
    }
    return store;
  };
  return {
    adapter,
    management: adapter,
    workItems: adapter,
    hubQueues: (connectionName, hubName) => ({
      queueNames: async () => await adapter(connectionName, hubName).queueNames(),
      approximateCount: async (queue) => await adapter(connectionName, hubName).approximateMessageCount(queue),
    }),
    close() {
      stores.clear();
      accounts.clear();
      return Promise.resolve();
    },
  };
}
