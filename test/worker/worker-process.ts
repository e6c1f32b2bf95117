// A worker-only server process on the suite's Azurite, for tests that kill a worker mid-run.
// Short leases and message visibility let a second worker take over within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { azuriteConnectionString } from '../helpers/hub.js';
import { SUITE_STORAGE_TRY_TIMEOUT_MS } from '../helpers/stores.js';

const children: ChildProcess[] = [];

export function spawnWorker(hub: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server.ts', '--worker-only', '--lease-duration-ms', '2000', '--message-visibility-ms', '3000'],
    {
      cwd: process.cwd(),
      env: {
        ...process.env,
        AzureWebJobsStorage: azuriteConnectionString(),
        TASKHUB_STORAGE_TRY_TIMEOUT_MS: SUITE_STORAGE_TRY_TIMEOUT_MS,
        TASKHUB_HUB_NAME: hub,
        TASKHUB_PARTITION_COUNT: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(child);
  return child;
}

/** Kills every worker this file spawned that is still running. */
export function killWorkers(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
