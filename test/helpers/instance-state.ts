// Test fixture shared by the API and CLI suites: puts an instance into a state by writing through
// the store's worker methods, as a worker would after running it (no worker runs in those suites).
import { isTerminal, type RuntimeStatus } from '../../src/domain/index.js';
import type { TestStore } from './stores.js';

/**
 * Test fixture: writes an instance's status (and output) through the store's worker methods, as a
 * worker would after running it.
 */
export async function setInstanceState(
  store: TestStore,
  instanceId: string,
  runtimeStatus: RuntimeStatus,
  fields: { output?: string | null; customStatus?: string | null } = {},
): Promise<void> {
  const state = await store.getInstance(instanceId);
  if (!state) throw new Error(`fixture: no instance ${instanceId}`);
  await store.instances.update({
    instanceId,
    executionId: state.executionId,
    name: state.name,
    version: state.version,
    runtimeStatus,
    output: fields.output,
    customStatus: fields.customStatus,
    lastUpdatedTime: new Date(),
    completedTime: isTerminal(runtimeStatus) ? new Date() : undefined,
  });
}
