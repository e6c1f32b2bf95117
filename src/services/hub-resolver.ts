// Which store a request addresses. Connection names are an allow-list from config (never an
// arbitrary environment variable); hub names are validated; only hubs that already exist are
// served, so a typo in `taskHub` is a 404 instead of silently creating tables.

import type { Config } from '../config.js';
import { DomainError, isValidHubName } from '../domain/index.js';
import type { ManagementStoreProvider, ManagementStore } from '../storage/management-store.js';
import type { HubRef } from './contract.js';

export interface HubResolver {
  /** The store for an existing hub; throws UnknownConnection, InvalidTaskHubName or TaskHubNotFound. */
  resolve(hub: HubRef): Promise<ManagementStore>;
  /** The store for a hub, created when missing (as the provider's client does on start). */
  resolveOrCreate(hub: HubRef): Promise<ManagementStore>;
  /** Forget a hub (after it was deleted). */
  forget(hub: HubRef): void;
  /** The configured connection a name resolves to (`Storage` -> `AzureWebJobsStorage`). */
  connectionName(name: string): string;
}

/** The extension's default connection name, as it spells it in management URLs. */
export const DEFAULT_CONNECTION_NAME = 'Storage';

/** The Functions host's prefix for connection settings: `Storage` is read from `AzureWebJobsStorage`. */
const WEBJOBS_PREFIX = 'AzureWebJobs';

export function createHubResolver(stores: ManagementStoreProvider, config: Config): HubResolver {
  // Positive answers only: a hub created later by someone else becomes visible on the next request.
  const known = new Set<string>();

  const configured = (name: string) =>
    Object.keys(config.connections).find(
      (candidate) => candidate.toLowerCase() === name.toLowerCase() && config.connections[candidate] !== undefined,
    );
  // As the extension resolves a connection name: the prefixed setting first, then the bare name.
  const connectionName = (name: string): string => {
    const match = configured(`${WEBJOBS_PREFIX}${name}`) ?? configured(name);
    if (!match) throw new DomainError('UnknownConnection', `'${name}' is not a configured connection name.`);
    return match;
  };

  /** The connection of a hub reference whose names are valid. */
  const validHub = (hub: HubRef): string => {
    const connection = connectionName(hub.connection);
    if (!isValidHubName(hub.taskHub)) {
      throw new DomainError('InvalidTaskHubName', 'A task hub name is 3 to 45 letters or digits and starts with a letter.');
    }
    return connection;
  };

  // Exact letter case: Azure tables ignore it, but the emulator's do not, and control queues are
  // lower-cased everywhere. A hub known as `MyHub` must not vouch for `myhub`, whose tables may be
  // missing while its queues are MyHub's (a start would leave its message in MyHub's queue).
  const cacheKey = (connection: string, taskHub: string) => `${connection}\u0000${taskHub}`;

  return {
    connectionName,
    async resolveOrCreate(hub) {
      const connection = validHub(hub);
      const store = stores.management(connection, hub.taskHub);
      await store.ensure();
      known.add(cacheKey(connection, hub.taskHub));
      return store;
    },
    async resolve(hub) {
      const connection = validHub(hub);
      const store = stores.management(connection, hub.taskHub);
      const key = cacheKey(connection, hub.taskHub);
      if (!known.has(key)) {
        if (!(await store.exists())) {
          throw new DomainError('TaskHubNotFound', `Task hub '${hub.taskHub}' does not exist on connection '${connection}'.`);
        }
        known.add(key);
      }
      return store;
    },
    forget(hub) {
      // Every spelling: the deleted tables were the same ones on Azure.
      const gone = cacheKey(connectionName(hub.connection), hub.taskHub).toLowerCase();
      for (const key of known) if (key.toLowerCase() === gone) known.delete(key);
    },
  };
}
