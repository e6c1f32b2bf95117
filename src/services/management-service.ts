// The ManagementService facade: resolves the addressed task hub, then delegates to one
// concept-sized module per operation. Shared by the HTTP routes and the CLI.

import type { Config } from '../config.js';
import { DomainError } from '../domain/index.js';
import type { ManagementStoreProvider } from '../storage/management-store.js';
import type { HubRef, ManagementService } from './contract.js';
import * as entities from './entities.js';
import { createHubResolver } from './hub-resolver.js';
import type { InstanceEvents } from './instance-events.js';
import * as control from './instance-control.js';
import { countInstances, getStatus, listInstances } from './instance-queries.js';
import { purgeByFilter, purgeOne } from './purge.js';
import { restartInstance, startInstance } from './start-instance.js';
import { createWaits } from './wait.js';

/** How long /health waits for storage before it says unreachable. */
const HEALTH_BUDGET_IN_MS = 3000;

export interface ManagementServiceDeps {
  stores: ManagementStoreProvider;
  config: Config;
  events?: InstanceEvents;
  /** The in-process worker's orchestrator names, when known; undefined means "do not check". */
  orchestratorNames?: () => readonly string[] | undefined;
  /** The in-process worker's entity names, when known; undefined means "do not check". */
  entityNames?: () => readonly string[] | undefined;
  /**
   * Start creates a missing hub, as Core Tools' `func durable start-new` does (the CLI on storage).
   * Over HTTP a hub must exist, so a typo in `taskHub` creates nothing.
   */
  createHubOnStart?: boolean;
}

export function createManagementService(deps: ManagementServiceDeps): ManagementService {
  const hubs = createHubResolver(deps.stores, deps.config);
  const store = (hub: HubRef) => hubs.resolve(hub);
  const waits = createWaits(deps.events);
  // Operations that enqueue a control message tell an in-process worker to poll now: only the
  // partition of the instance addressed, when the operation names one.
  const queued = async <T>(hub: HubRef, operation: Promise<T>, instance?: string | ((result: T) => string)): Promise<T> => {
    const result = await operation;
    deps.events?.queued(hub.taskHub, typeof instance === 'function' ? instance(result) : instance);
    return result;
  };
  const startedId = (result: { instanceId: string }) => result.instanceId;

  // The in-process worker serves only the configured hub on the default connection.
  const servedByLocalWorker = (hub: HubRef) =>
    hubs.connectionName(hub.connection) === hubs.connectionName(deps.config.defaultConnection) &&
    hub.taskHub.toLowerCase() === deps.config.hubName.toLowerCase();

  return {
    async start(hub, options) {
      const s = deps.createHubOnStart ? await hubs.resolveOrCreate(hub) : await store(hub);
      return queued(hub, startInstance(s, options, servedByLocalWorker(hub) ? deps.orchestratorNames?.() : undefined), startedId);
    },
    async getStatus(hub, instanceId, options) {
      return getStatus(await store(hub), instanceId, options);
    },
    async list(hub, filter, options) {
      return listInstances(await store(hub), filter, options);
    },
    async count(hub, filter, options) {
      return countInstances(await store(hub), filter, options?.abortSignal);
    },
    orchestratorNames(hub) {
      return servedByLocalWorker(hub) ? deps.orchestratorNames?.() : undefined;
    },
    async purge(hub, instanceId) {
      return purgeOne(await store(hub), instanceId);
    },
    async purgeBy(hub, filter, onProgress) {
      return purgeByFilter(await store(hub), filter, onProgress);
    },
    async raiseEvent(hub, instanceId, eventName, data, options) {
      return queued(hub, control.raiseEvent(await store(hub), instanceId, eventName, data, options), instanceId);
    },
    async terminate(hub, instanceId, reason) {
      return queued(hub, control.terminate(await store(hub), instanceId, reason), instanceId);
    },
    async suspend(hub, instanceId, reason) {
      return queued(hub, control.suspend(await store(hub), instanceId, reason), instanceId);
    },
    async resume(hub, instanceId, reason) {
      return queued(hub, control.resume(await store(hub), instanceId, reason), instanceId);
    },
    async rewind(hub, instanceId, reason) {
      // Rewind pokes the failed leaves of the tree, which may be other instances: wake every partition.
      return queued(hub, control.rewind(await store(hub), instanceId, reason));
    },
    async restart(hub, instanceId, options) {
      return queued(hub, restartInstance(await store(hub), instanceId, options?.restartWithNewInstanceId !== false), startedId);
    },
    async waitForCompletion(hub, instanceId, options) {
      return waits.waitForCompletion(await store(hub), instanceId, options, servedByLocalWorker(hub));
    },
    async deleteTaskHub(hub) {
      const s = await store(hub);
      await s.deleteHub();
      hubs.forget(hub);
    },
    async getEntity(hub, name, key) {
      const id = entities.toEntityId(name, key);
      const read = await entities.readEntityState(await store(hub), id);
      if (!read.exists) throw new DomainError('EntityNotFound', `Entity '${id.name}' with key '${id.key}' does not exist.`);
      return read.state;
    },
    async signalEntity(hub, name, key, options) {
      const known = servedByLocalWorker(hub) ? deps.entityNames?.() : undefined;
      return queued(hub, entities.signalEntity(await store(hub), entities.toEntityId(name, key), options, known));
    },
    async listEntities(hub, filter, options) {
      return entities.listEntities(await store(hub), filter, options);
    },
    async cleanEntityStorage(hub, options) {
      return queued(hub, entities.cleanEntityStorage(await store(hub), options));
    },
    async health() {
      try {
        // Its own short budget: a load balancer's probe should not wait out the storage retries.
        let timer: NodeJS.Timeout | undefined;
        const budget = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('health budget exceeded')), HEALTH_BUDGET_IN_MS);
        });
        const ping = deps.stores.management(deps.config.defaultConnection, deps.config.hubName).ping();
        ping.catch(() => undefined);
        await Promise.race([ping, budget]).finally(() => clearTimeout(timer));
        return { storage: 'ok' };
      } catch {
        return { storage: 'unreachable' };
      }
    },
    async readiness() {
      const store = deps.stores.management(deps.config.defaultConnection, deps.config.hubName);
      try {
        await store.ping();
        return { storage: 'ok', taskHub: (await store.exists()) ? 'present' : 'missing' };
      } catch {
        return { storage: 'unreachable', taskHub: 'unknown' };
      }
    },
  };
}
