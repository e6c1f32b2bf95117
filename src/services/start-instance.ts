// Starting and restarting orchestrations.

import {
  DomainError,
  instanceNotFound,
  stateConflict,
  ACTIVE_STATUSES,
  isTerminal,
  assertValidInstanceId,
  newInstanceId,
  newExecutionId,
} from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { StartOptions } from './contract.js';
import { payloadText } from './json-text.js';

interface CreateOptions {
  name: string;
  instanceId: string;
  /** JSON text or null. */
  inputJson: string | null;
  version: string;
}

async function create(store: ManagementStore, options: CreateOptions): Promise<{ instanceId: string }> {
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
  store: ManagementStore,
  options: StartOptions,
  knownNames: readonly string[] | undefined,
): Promise<{ instanceId: string }> {
  const name = options.name;
  if (!name || name.trim() === '') throw new DomainError('BadRequest', 'The orchestrator name must not be empty.');
  // Names match case-insensitively, but the caller's spelling is what is stored and shown, as in
  // the extension; the worker finds the function whatever the case.
  if (knownNames && !knownNames.some((known) => known.toLowerCase() === name.toLowerCase())) {
    throw new DomainError('UnknownOrchestrator', `The orchestrator function '${name}' is not registered with the worker.`);
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
  store: ManagementStore,
  instanceId: string,
  restartWithNewInstanceId: boolean,
): Promise<{ instanceId: string }> {
  const original = await store.getInstance(instanceId, { fetchInput: true });
  if (!original) throw instanceNotFound(instanceId);
  // Under a new id the original may still be running (the extension restarts it then too); under
  // the same id an active instance is a conflict, as starting with an active id is.
  if (!restartWithNewInstanceId && !isTerminal(original.runtimeStatus)) {
    throw stateConflict(`Instance '${instanceId}' is ${original.runtimeStatus}; restart it under a new id, or once it has finished.`);
  }
  return create(store, {
    name: original.name,
    instanceId: restartWithNewInstanceId ? newInstanceId() : instanceId,
    inputJson: original.input,
    version: original.version,
  });
}
