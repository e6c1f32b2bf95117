// Runs the real `taskhub` executable as a child process, and prepares task hubs through the store
// port (there is no worker in these tests, so terminal states are written the way a worker would).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { StoreProvider, TaskHubWorkerStore } from '../../src/storage/port.js';
import type { HistoryEvent, RuntimeStatus } from '../../src/storage/types.js';
import { setInstanceState } from '../helpers/instance-state.js';
import { azuriteConnectionString } from '../helpers/hub.js';

export const BIN = fileURLToPath(new URL('../../bin/taskhub.mjs', import.meta.url));
/** The tests pass the connection string under this name, exercising --connection-string-setting. */
export const SETTING = 'CLI_TEST_STORAGE';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string | undefined> = { ...process.env };
    // The parent's own settings must not leak into what is being tested.
    for (const name of ['AzureWebJobsStorage', 'TASKHUB_KEY', 'TASKHUB_HUB_NAME']) delete childEnv[name];
    Object.assign(childEnv, { [SETTING]: azuriteConnectionString() }, env);
    execFile(process.execPath, [BIN, ...args], { env: childEnv, cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Direct-transport arguments for a hub. */
export const direct = (hub: string) => ['--connection-string-setting', SETTING, '--task-hub-name', hub];

let provider: StoreProvider | undefined;

export function storeFor(hub: string): TaskHubWorkerStore {
  provider ??= createAzureStoreProvider(loadConfig({ AzureWebJobsStorage: azuriteConnectionString() }));
  return provider.get('AzureWebJobsStorage', hub);
}

export async function createHub(hub: string): Promise<TaskHubWorkerStore> {
  const store = storeFor(hub);
  await store.ensure();
  return store;
}

type WorkerStatus = Extract<RuntimeStatus, 'Running' | 'Suspended' | 'Completed' | 'Failed' | 'Terminated' | 'Canceled'>;

/**
 * Moves an instance to a state the way the worker would at a checkpoint: history rows
 * (ExecutionStarted, plus ExecutionCompleted for finished states), then the Instances row.
 */
export async function setStateAsWorkerWould(hub: string, instanceId: string, runtimeStatus: WorkerStatus, output: unknown = null): Promise<void> {
  const store = storeFor(hub);
  const state = await store.getInstance(instanceId);
  if (!state) throw new Error(`no instance ${instanceId}`);
  const now = new Date();
  const finished = !['Running', 'Suspended'].includes(runtimeStatus);
  const events: HistoryEvent[] = [
    { EventType: 'OrchestratorStarted', EventId: -1, Timestamp: now.toISOString() },
    {
      EventType: 'ExecutionStarted',
      EventId: -1,
      Timestamp: now.toISOString(),
      Name: state.name,
      Version: state.version,
      Input: state.input,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: state.executionId },
    },
  ];
  if (finished) {
    events.push({ EventType: 'ExecutionCompleted', EventId: 0, Timestamp: now.toISOString(), OrchestrationStatus: runtimeStatus, Result: JSON.stringify(output) });
  }
  const history = await store.readHistory(instanceId);
  await store.checkpoint({ instanceId, executionId: state.executionId, existingCount: history.events.length, newEvents: events, sentinelETag: history.sentinelETag });
  await setInstanceState(store, instanceId, runtimeStatus, { output: output === null ? null : JSON.stringify(output) });
}

/** Client events waiting on the control queues for one instance (made visible again shortly). */
export async function queuedEventTypes(hub: string, instanceId: string): Promise<string[]> {
  const store = storeFor(hub);
  const types: string[] = [];
  for (let partition = 0; partition < (await store.partitionCount()); partition++) {
    const messages = await store.receiveControlMessages(partition, 32, 1000);
    for (const m of messages) if (m.instance.InstanceId === instanceId) types.push(m.event.EventType);
  }
  return types.sort();
}

export function parseJson<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`taskhub exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
