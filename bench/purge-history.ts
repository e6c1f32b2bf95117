// Throughput of `taskhub purge-history`: writes N finished instances (Instances rows plus a short
// history each) through the store port, then runs the real executable against them.
// Usage: npx tsx bench/purge-history.ts [count=10000]
// Uses a fresh in-memory Azurite so it never touches real data.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createAzureStoreProvider, startAzurite } from '../src/storage/azure/index.js';
import type { AzureTaskHubStore } from '../src/storage/azure/index.js';
import type { RuntimeStatus } from '../src/domain/index.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const WRITE_CONCURRENCY = 64;
const FINISHED: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
const BIN = fileURLToPath(new URL('../bin/taskhub.mjs', import.meta.url));

async function writeFinishedInstance(store: AzureTaskHubStore, i: number, createdTime: Date): Promise<void> {
  const instanceId = `bench-${i.toString().padStart(6, '0')}`;
  const executionId = `exec${i}`;
  const at = createdTime.toISOString();
  const status = FINISHED[i % FINISHED.length];
  await store.history.checkpoint({
    instanceId,
    executionId,
    existingCount: 0,
    newEvents: [
      {
        EventType: 'ExecutionStarted',
        EventId: -1,
        Timestamp: at,
        Name: 'Bench',
        Version: '',
        Input: `{"i":${i}}`,
        OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      },
      { EventType: 'ExecutionCompleted', EventId: 0, Timestamp: at, OrchestrationStatus: status, Result: '"done"' },
    ],
  });
  await store.instances.update({
    instanceId,
    executionId,
    name: 'Bench',
    version: '',
    runtimeStatus: status,
    input: `{"i":${i}}`,
    output: '"done"',
    createdTime,
    lastUpdatedTime: createdTime,
    completedTime: createdTime,
  });
}

function run(args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    );
  });
}

const azurite = await startAzurite();
try {
  const hub = 'purgebench';
  const config = loadConfig({ AzureWebJobsStorage: azurite.connectionString, TASKHUB_HUB_NAME: hub });
  const stores = createAzureStoreProvider(config);
  const store = stores.adapter('AzureWebJobsStorage', hub);
  await store.ensure();

  const writeStart = performance.now();
  const createdTime = new Date();
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITE_CONCURRENCY }, async () => {
      while (next < COUNT) await writeFinishedInstance(store, next++, createdTime);
    }),
  );
  const writeSeconds = (performance.now() - writeStart) / 1000;
  console.log(`wrote ${COUNT} finished instances in ${writeSeconds.toFixed(1)} s`);

  const purgeStart = performance.now();
  const { stdout } = await run(['purge-history', '--task-hub-name', hub], { AzureWebJobsStorage: azurite.connectionString });
  const wallSeconds = (performance.now() - purgeStart) / 1000;
  process.stdout.write(`taskhub says: ${stdout}`);
  console.log(`process wall time ${wallSeconds.toFixed(2)} s including startup: ${Math.round(COUNT / wallSeconds)} instances/s`);

  const left = await store.listInstances({}, { pageSize: 10 });
  if (left.items.length > 0) throw new Error('instances left after purge');
  await stores.close();
} finally {
  await azurite.stop();
}
