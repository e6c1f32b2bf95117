// One worker on a hub of 16 control-queue partitions vs 4 (issue 14 item 2): FanOutFanIn
// orchestrations per second, and the worker's storage requests per orchestration (HTTP requests
// to Azurite, counted by a pass-through proxy in front of it; the client's starts and completion
// polls go around it). Client and worker share one process and its instance events, as the server
// with its in-process worker does.
// Standalone: npx tsx bench/scale/partitions.ts [--orchestrations 300]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { createManagementService } from '../../src/services/management-service.js';
import { startAzurite } from '../../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import { startWorker } from '../../src/worker/index.js';
import { startRequestCounter } from '../storage-request-counter.js';
import { runIfMain, sleep, type Figure } from '../scale-support.js';

/** Starts in flight: on a busy 2-core machine more only time out against Azurite. */
const STARTS_IN_FLIGHT = 16;

interface Result {
  partitions: number;
  rate: number;
  requestsPerOrchestration: number;
  emptyReceivesPerOrchestration: number;
  byKind: string;
}

async function runHub(connectionString: string, partitions: number, orchestrations: number): Promise<Result> {
  const hub = `Partitions${partitions}`;
  const settings = (cs: string) =>
    loadConfig({
      AzureWebJobsStorage: cs,
      TASKHUB_HUB_NAME: hub,
      TASKHUB_NO_AUTH: 'true',
      TASKHUB_PARTITION_COUNT: String(partitions),
      TASKHUB_STORAGE_TRY_TIMEOUT_MS: '30000',
    });
  const counter = await startRequestCounter(connectionString);
  const clientConfig = settings(connectionString);
  const client = createAzureStoreProvider(clientConfig);
  const workerConfig = settings(counter.connectionString);
  const workerStores = createAzureStoreProvider(workerConfig);
  const events = new InstanceEvents();
  const management = client.management(clientConfig.defaultConnection, hub);
  await management.ensure();
  const worker = await startWorker({ config: workerConfig, stores: workerStores, events, logger: pino({ level: 'silent' }) });
  try {
    const service = createManagementService({ stores: client, config: clientConfig, events });
    const ref = { connection: clientConfig.defaultConnection, taskHub: hub };
    counter.reset();
    const began = performance.now();
    let started = 0;
    await Promise.all(
      Array.from({ length: STARTS_IN_FLIGHT }, async () => {
        while (started < orchestrations) {
          started++;
          await service.start(ref, { name: 'FanOutFanIn', input: { count: 5 } });
        }
      }),
    );
    for (;;) {
      const completed = (await management.countInstances({ runtimeStatus: ['Completed'] })).Completed;
      if (completed >= orchestrations) break;
      if (performance.now() - began > 600_000) throw new Error(`${completed} of ${orchestrations} completed in 10 minutes`);
      await sleep(100);
    }
    const seconds = (performance.now() - began) / 1000;
    const counts = counter.counts();
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const byKind = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => `${kind} ${(n / orchestrations).toFixed(1)}`)
      .join(', ');
    return {
      partitions,
      rate: orchestrations / seconds,
      requestsPerOrchestration: total / orchestrations,
      emptyReceivesPerOrchestration: (counts.get('queue receive (empty)') ?? 0) / orchestrations,
      byKind,
    };
  } finally {
    await worker.stop();
    await Promise.all([workerStores.close(), client.close(), counter.close()]);
  }
}

export default async function run(options: { orchestrations?: number } = {}): Promise<Figure[]> {
  const orchestrations = options.orchestrations ?? 300;
  const azurite = await startAzurite();
  try {
    const four = await runHub(azurite.connectionString, 4, orchestrations);
    const sixteen = await runHub(azurite.connectionString, 16, orchestrations);
    for (const r of [four, sixteen]) {
      console.log(
        `  ${r.partitions} partitions: ${r.rate.toFixed(1)} orchestrations/s, ${r.requestsPerOrchestration.toFixed(1)} storage requests ` +
          `per orchestration (${r.emptyReceivesPerOrchestration.toFixed(1)} empty receives): ${r.byKind}`,
      );
    }
    const ratio = sixteen.rate / four.rate;
    return [
      {
        figure: `partitions: ${orchestrations} FanOutFanIn on one worker, throughput 16 vs 4 partitions`,
        value: `${sixteen.rate.toFixed(1)}/s vs ${four.rate.toFixed(1)}/s (${ratio.toFixed(2)}x)`,
        baseline: '0.38x',
        goal: '>= 0.9x',
        met: ratio >= 0.9,
      },
      {
        figure: 'partitions: worker storage requests per orchestration, 16 vs 4 partitions',
        value: `${sixteen.requestsPerOrchestration.toFixed(0)} vs ${four.requestsPerOrchestration.toFixed(0)}`,
        baseline: '202 vs 89',
        goal: '-',
        met: true,
      },
    ];
  } finally {
    await azurite.stop();
  }
}

await runIfMain(import.meta.url, () => {
  const { values } = parseArgs({ options: { orchestrations: { type: 'string' } } });
  return run({ orchestrations: values.orchestrations ? Number(values.orchestrations) : undefined });
});
