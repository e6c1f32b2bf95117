// Starting and restarting orchestrations.

import { DomainError, instanceNotFound, ACTIVE_STATUSES, isTerminal, assertValidInstanceId, newInstanceId, newExecutionId } from '../domain/index.js';
import type { TaskHubWorkerStore } from '../storage/port.js';
import type { StartOptions } from './contract.js';
import { payloadText } from './json-text.js';

interface CreateOptions {
  name: string;
  instanceId: string;
  /** JSON text or null. */
  inputJson: string | null;
  version: string;
}

async function create(store: TaskHubWorkerStore, options: CreateOptions): Promise<{ instanceId: string }> {
  await store.createInstance({
    instanceId: options.instanceId,
    name: options.name,
    version: options.version,
    input: options.inputJson,
    executionId: newExecutionId(),
    // Durable Functions' default: an id may be reused only once its instance has finished.
    dedupeStatuses: ACTIVE_STATUSES,
  });
  return { instanceId: options.instanceId };
}

/**
 * `knownNames` is the in-process worker's registry, when the request addresses the hub that worker
 * serves; the extension likewise checks function names only for its own hub.
 */
export async function startInstance(
  store: TaskHubWorkerStore,
  options: StartOptions,
  knownNames: readonly string[] | undefined,
): Promise<{ instanceId: string }> {
  let name = options.name;
  if (!name || name.trim() === '') throw new DomainError('BadRequest', 'The orchestrator name must not be empty.');
  if (knownNames) {
    const registered = knownNames.find((known) => known.toLowerCase() === name.toLowerCase());
    if (!registered) {
      throw new DomainError('UnknownOrchestrator', `The orchestrator function '${name}' is not registered with the worker.`);
    }
    name = registered;
  }
  const instanceId = options.instanceId ?? newInstanceId();
  assertValidInstanceId(instanceId);
  // Stored as the caller wrote it; a JSON null input is stored as no input, as the framework does.
  const text = payloadText(options.input);
  const inputJson = text === 'null' ? null : text;
  return create(store, { name, instanceId, inputJson, version: options.version ?? '' });
}

/** Starts the finished instance's orchestrator again with its original name, version and input. */
export async function restartInstance(
  store: TaskHubWorkerStore,
  instanceId: string,
  restartWithNewInstanceId: boolean,
): Promise<{ instanceId: string }> {
  const original = await store.getInstance(instanceId, { fetchInput: true });
  if (!original) throw instanceNotFound(instanceId);
  if (!isTerminal(original.runtimeStatus)) {
    throw new DomainError(
      'InstanceGone',
      `Instance '${instanceId}' is ${original.runtimeStatus}; only a finished instance can be restarted.`,
    );
  }
  return create(store, {
    name: original.name,
    instanceId: restartWithNewInstanceId ? newInstanceId() : instanceId,
    inputJson: original.input,
    version: original.version,
  });
}
