// Client events sent to a running instance: raise event, terminate, suspend, resume, and rewind.
// Each checks the instance's state first (the provider itself does not), so callers get
// 404/410/409/412 answers instead of messages the worker would silently discard.

import {
  DomainError,
  eventRaised,
  executionResumed,
  executionSuspended,
  executionTerminated,
  instanceGone,
  instanceNotFound,
  type InstanceState,
  isTerminal,
  stateConflict,
} from '../domain/index.js';
import type { ManagementStore } from '../storage/management-store.js';
import type { RaiseEventOptions } from './contract.js';
import { payloadText } from './json-text.js';

async function existingInstance(store: ManagementStore, instanceId: string): Promise<InstanceState> {
  const state = await store.getInstance(instanceId, { fetchInput: false });
  if (!state) throw instanceNotFound(instanceId);
  return state;
}

async function activeInstance(store: ManagementStore, instanceId: string): Promise<InstanceState> {
  const state = await existingInstance(store, instanceId);
  if (isTerminal(state.runtimeStatus)) throw instanceGone(instanceId, state.runtimeStatus);
  return state;
}

export async function raiseEvent(
  store: ManagementStore,
  instanceId: string,
  eventName: string,
  data: unknown,
  options: RaiseEventOptions = {},
): Promise<void> {
  if (!eventName) throw new DomainError('BadRequest', 'The event name must not be empty.');
  await activeInstance(store, instanceId);
  const event = eventRaised(eventName, payloadText(data));
  // The worker applies an event with a given key at most once per execution (see completionKey).
  await store.sendEvent(instanceId, options.idempotencyKey ? { ...event, IdempotencyKey: options.idempotencyKey } : event);
}

export async function terminate(store: ManagementStore, instanceId: string, reason?: string): Promise<void> {
  await activeInstance(store, instanceId);
  await store.sendEvent(instanceId, executionTerminated(reason ?? null));
}

export async function suspend(store: ManagementStore, instanceId: string, reason?: string): Promise<void> {
  const state = await activeInstance(store, instanceId);
  if (state.runtimeStatus === 'Suspended') throw stateConflict(`Instance '${instanceId}' is already suspended.`);
  await store.sendEvent(instanceId, executionSuspended(reason ?? null));
}

export async function resume(store: ManagementStore, instanceId: string, reason?: string): Promise<void> {
  const state = await activeInstance(store, instanceId);
  if (state.runtimeStatus !== 'Suspended') {
    throw stateConflict(`Instance '${instanceId}' is ${state.runtimeStatus}, not suspended; there is nothing to resume.`);
  }
  await store.sendEvent(instanceId, executionResumed(reason ?? null));
}

export async function rewind(store: ManagementStore, instanceId: string, reason?: string): Promise<void> {
  const state = await existingInstance(store, instanceId);
  if (state.runtimeStatus !== 'Failed') {
    throw new DomainError('InstanceNotFailed', `Instance '${instanceId}' is ${state.runtimeStatus}; only failed instances can be rewound.`);
  }
  await store.rewind(instanceId, reason ?? '');
}
