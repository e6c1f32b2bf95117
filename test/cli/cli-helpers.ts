// Runs `taskhub` in-process through `run(argv, io)` (and, for the smoke tests, as the real
// executable), and prepares task hubs through the store port (there is no worker in these tests, so
// terminal states are written the way a worker would).

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { HistoryEvent, RuntimeStatus } from '../../src/domain/index.js';
import { azuriteConnectionString } from '../helpers/hub.js';
import { setInstanceState } from '../helpers/instance-state.js';
import { storeFor, SUITE_STORAGE_TRY_TIMEOUT_MS } from '../helpers/stores.js';
export { createHub, storeFor } from '../helpers/stores.js';

export const BIN = fileURLToPath(new URL('../../bin/taskhub.mjs', import.meta.url));
/** The tests pass the connection string under this name, exercising --connection-string-setting. */
export const SETTING = 'CLI_TEST_STORAGE';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `taskhub <args>` in this process, with only the test's connection setting plus `env` as its
 * environment (so the suite's own settings cannot leak in), stdout and stderr captured, not a terminal.
 */
export async function runCli(args: string[], env: Record<string, string> = {}, cwd = process.cwd()): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    env: { [SETTING]: azuriteConnectionString(), TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS, ...env },
    cwd,
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** The real executable as a child process (smoke tests only: a spawn costs about a second). */
export function spawnCli(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string | undefined> = { ...process.env };
    // The parent's own settings must not leak into what is being tested.
    for (const name of ['AzureWebJobsStorage', 'TASKHUB_KEY', 'TASKHUB_HUB_NAME']) delete childEnv[name];
    Object.assign(childEnv, { [SETTING]: azuriteConnectionString(), TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS }, env);
    execFile(process.execPath, [BIN, ...args], { env: childEnv, cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Direct-transport arguments for a hub. */
export const direct = (hub: string) => ['--connection-string-setting', SETTING, '--task-hub-name', hub];

type WorkerStatus = Extract<RuntimeStatus, 'Running' | 'Suspended' | 'Completed' | 'Failed' | 'Terminated' | 'Canceled'>;

/**
 * Moves an instance to a state the way the worker would at a checkpoint: history rows
 * (ExecutionStarted, plus ExecutionCompleted for finished states), then the Instances row.
 */
export async function setStateAsWorkerWould(
  hub: string,
  instanceId: string,
  runtimeStatus: WorkerStatus,
  output: unknown = null,
): Promise<void> {
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
    events.push({
      EventType: 'ExecutionCompleted',
      EventId: 0,
      Timestamp: now.toISOString(),
      OrchestrationStatus: runtimeStatus,
      Result: JSON.stringify(output),
    });
  }
  const history = await store.history.read(instanceId);
  await store.history.checkpoint({
    instanceId,
    executionId: state.executionId,
    existingCount: history.events.length,
    newEvents: events,
    sentinelETag: history.sentinelETag,
  });
  await setInstanceState(store, instanceId, runtimeStatus, { output: output === null ? null : JSON.stringify(output) });
}

/** Client events waiting on the control queues for one instance (made visible again shortly). */
export async function queuedEvents(hub: string, instanceId: string): Promise<HistoryEvent[]> {
  const store = storeFor(hub);
  const events: HistoryEvent[] = [];
  for (let partition = 0; partition < (await store.partitionCount()); partition++) {
    const messages = await store.control.receive(partition, 32, 1000);
    for (const m of messages) if (m.data.instance.InstanceId === instanceId) events.push(m.data.event);
  }
  return events;
}

export async function queuedEventTypes(hub: string, instanceId: string): Promise<string[]> {
  return (await queuedEvents(hub, instanceId)).map((event) => event.EventType).sort();
}

export function parseJson<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`taskhub exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
