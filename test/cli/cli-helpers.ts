// Runs the real `taskhub` executable as a child process, and prepares task hubs through the store
// port (there is no worker in these tests, so terminal states are written the way a worker would).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { StoreProvider, TaskHubWorkerStore } from '../../src/storage/port.js';
import type { RuntimeStatus } from '../../src/storage/types.js';
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
    const childEnv: Record<string, string | undefined> = { ...process.env, [SETTING]: azuriteConnectionString(), ...env };
    // The parent's own settings must not leak into what is being tested.
    delete childEnv.AzureWebJobsStorage;
    delete childEnv.TASKHUB_KEY;
    delete childEnv.TASKHUB_HUB_NAME;
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

/** Moves an instance to a finished state, as the worker would at its last checkpoint. */
export async function finishInstanceAsWorkerWould(
  hub: string,
  instanceId: string,
  runtimeStatus: Extract<RuntimeStatus, 'Completed' | 'Failed' | 'Terminated' | 'Canceled'>,
  output: unknown = null,
): Promise<void> {
  const store = storeFor(hub);
  const state = await store.getInstance(instanceId);
  if (!state) throw new Error(`no instance ${instanceId}`);
  const now = new Date();
  await store.updateInstance({
    instanceId,
    executionId: state.executionId,
    name: state.name,
    version: state.version,
    runtimeStatus,
    output: output === null ? null : JSON.stringify(output),
    lastUpdatedTime: now,
    completedTime: now,
  });
}

export function parseJson<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`taskhub exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
