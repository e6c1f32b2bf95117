// Per-episode time as one instance's history grows (issue 14 item 1): an orchestrator that waits
// for external events forever, on the in-process worker. Events are raised one at a time near
// ~1,000 and near a larger size, and each episode that absorbs one is timed from the start of the
// control-queue receive that delivered it to the end of its checkpoint (load, replay, commit), with
// the worker's own CPU beside it (storage runs in Azurite's process). In between the history grows
// by events raised in bursts, which the worker absorbs 32 per episode.
// An episode's commit is O(1) storage requests (`--count-requests` lists them: one History batch,
// one Instances upsert, one queue delete). Azurite as published finds a table row by scanning its
// partition, so each row written into a long history would cost the emulator O(n); the embedded
// emulator runs with bin/azurite-lokijs.cjs, which looks such rows up by RowKey. Azurite's own CPU
// during each episode is printed beside the worker's, and after the run the same History batch is sent
// straight to partitions of the two sizes (bench/azurite-partition-probe.ts): the emulator's share,
// with no taskhub code in it. Growing to 20,000 events (the default, the issue's figure) takes a few
// minutes on a 2-core machine.
// Standalone: npx tsx bench/scale/episode-growth.ts [--small 1000] [--large 20000] [--samples 30] [--cache-off] [--count-requests]
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { OrchestrationContext } from 'durable-functions';
import { loadConfig } from '../../src/config.js';
import { InstanceEvents } from '../../src/services/instance-events.js';
import { createManagementService } from '../../src/services/management-service.js';
import { startAzurite } from '../../src/storage/azure/azurite.js';
import { createAzureStoreProvider } from '../../src/storage/azure/index.js';
import type { OrchestrationWorkItem, WorkItemStore, WorkItemStoreProvider } from '../../src/storage/port.js';
import { startWorker, Registry } from '../../src/worker/index.js';
import { describeProbe, probePartitionSizes, type PartitionProbe } from '../azurite-partition-probe.js';
import { cpuSecondsOf, percentile, runIfMain, sleep, type Figure } from '../scale-support.js';
import { startRequestCounter, type RequestCounter } from '../storage-request-counter.js';

const HUB = 'EpisodeGrowth';
const INSTANCE = 'growing';
const EVENT = 'Tick';
/** Raises in flight while growing: enough to keep the worker's 32-message receives full. */
const RAISES_IN_FLIGHT = 48;

interface Episode {
  /** History events before the episode. */
  before: number;
  /** History events after its checkpoint. */
  after: number;
  events: number;
  loadMs: number;
  planMs: number;
  commitMs: number;
  totalMs: number;
  /** CPU this process (the worker) used from the receive to the end of the checkpoint; storage runs in Azurite's process. */
  cpuMs: number;
  /** CPU Azurite used over the same span (10 ms ticks: meaningful as a mean over many episodes). */
  azuriteCpuMs: number;
  /** Storage requests of the commit by kind (with `--count-requests`). */
  requests?: Map<string, number>;
}

/** The instance's episodes as the worker runs them, timed around the store calls that bound them. */
class EpisodeClock {
  readonly episodes: Episode[] = [];
  absorbed = 0;
  historyLength = 0;
  private readonly fetched = new Map<
    OrchestrationWorkItem,
    { began: number; loaded: number; cpu: NodeJS.CpuUsage; azuriteCpuSeconds: number }
  >();
  private waiting: (() => void)[] = [];

  constructor(
    private readonly azuritePid: number,
    private readonly counter?: RequestCounter,
  ) {}

  wrap(provider: WorkItemStoreProvider): WorkItemStoreProvider {
    return {
      workItems: (connection, hub) => {
        const inner = provider.workItems(connection, hub);
        const store = Object.create(inner) as WorkItemStore;
        store.fetchOrchestrationWorkItems = async (partition, options) => {
          const began = performance.now();
          const cpu = process.cpuUsage();
          const azuriteCpuSeconds = cpuSecondsOf(this.azuritePid);
          const items = await inner.fetchOrchestrationWorkItems(partition, options);
          const loaded = performance.now();
          for (const item of items) if (item.instanceId === INSTANCE) this.fetched.set(item, { began, loaded, cpu, azuriteCpuSeconds });
          return items;
        };
        store.completeOrchestrationWorkItem = async (item, commit) => {
          const planned = performance.now();
          // Read before completing: the store appends the commit to this array (its cached history).
          const before = item.history.length;
          const counted = this.counter?.counts();
          await inner.completeOrchestrationWorkItem(item, commit);
          const requests = counted && commitRequests(counted, this.counter!.counts());
          const times = this.fetched.get(item);
          if (!times) return;
          this.fetched.delete(item);
          const done = performance.now();
          const cpu = process.cpuUsage(times.cpu);
          const after = before + (commit.checkpoint?.newEvents.length ?? 0);
          const events = item.messages.filter((m) => m.event.EventType === 'EventRaised').length;
          this.episodes.push({
            before,
            after,
            events,
            loadMs: times.loaded - times.began,
            planMs: planned - times.loaded,
            commitMs: done - planned,
            totalMs: done - times.began,
            cpuMs: (cpu.user + cpu.system) / 1000,
            azuriteCpuMs: (cpuSecondsOf(this.azuritePid) - times.azuriteCpuSeconds) * 1000,
            requests,
          });
          this.absorbed += events;
          this.historyLength = after;
          for (const wake of this.waiting.splice(0)) wake();
        };
        return store;
      },
    };
  }

  /** Resolves once `absorbed` reaches `count` (the worker checkpointed that many raised events). */
  async until(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.absorbed < count) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the worker absorbed ${this.absorbed} of ${count} events in time`);
      await Promise.race([new Promise<void>((r) => this.waiting.push(r)), sleep(Math.min(left, 1000))]);
    }
  }
}

/** Requests made between two counts, less the empty receives of the other partitions' loops. */
function commitRequests(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [kind, count] of after) {
    const made = count - (before.get(kind) ?? 0);
    if (made > 0 && kind !== 'queue receive (empty)') out.set(kind, made);
  }
  return out;
}

function growthRegistry(): Registry {
  const registry = new Registry();
  registry.orchestration('WaitForever', function* (context: OrchestrationContext) {
    for (;;) yield context.df.waitForExternalEvent(EVENT);
  });
  return registry;
}

interface Phase {
  historyAtStart: number;
  historyAtEnd: number;
  episodes: Episode[];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** Azurite's CPU during an episode, on average (its 10 ms ticks make a median meaningless). */
const azuriteCpuOf = (phase: Phase) => mean(phase.episodes.map((e) => e.azuriteCpuMs));

const median = (values: number[]) => percentile(values, 50);

export interface EpisodeGrowthOptions {
  small?: number;
  large?: number;
  samples?: number;
  /** Run with the history cache and replay sessions off (every episode reads and replays it all). */
  cacheOff?: boolean;
  /** Route the worker's storage through a counting proxy and list each commit's requests (adds a hop to every request). */
  countRequests?: boolean;
}

export async function measure(options: EpisodeGrowthOptions = {}) {
  const small = options.small ?? 1000;
  const large = options.large ?? 20_000;
  const samples = options.samples ?? 30;
  const azurite = await startAzurite();
  const counter = options.countRequests ? await startRequestCounter(azurite.connectionString) : undefined;
  const config = loadConfig({
    AzureWebJobsStorage: counter?.connectionString ?? azurite.connectionString,
    TASKHUB_HUB_NAME: HUB,
    TASKHUB_NO_AUTH: 'true',
    TASKHUB_HISTORY_CACHE_MB: options.cacheOff ? '0' : '',
    TASKHUB_STORAGE_TRY_TIMEOUT_MS: '30000',
  });
  const stores = createAzureStoreProvider(config);
  const events = new InstanceEvents();
  const clock = new EpisodeClock(azurite.pid, counter);
  const hub = { connection: config.defaultConnection, taskHub: HUB };
  await stores.management(config.defaultConnection, HUB).ensure();
  const worker = await startWorker({
    config,
    stores: clock.wrap(stores),
    events,
    logger: pino({ level: 'silent' }),
    registry: growthRegistry(),
    tuning: { replaySessions: !options.cacheOff },
  });
  const service = createManagementService({ stores, config, events });
  let raised = 0;
  const raise = async () => {
    raised++;
    await service.raiseEvent(hub, INSTANCE, EVENT, raised);
  };

  /** Raises events in bulk until the history holds about `target` events, then lets the worker catch up. */
  const growTo = async (target: number) => {
    const began = performance.now();
    const from = clock.historyLength;
    // Each raised event adds one history event, plus two per episode (OrchestratorStarted/Completed).
    const firstEpisode = clock.episodes.length;
    // Every episode adds two events of its own: raise about 32/34 of what is missing, in bursts.
    while (clock.historyLength < target) {
      let burst = Math.ceil(((target - clock.historyLength) * 32) / 34);
      await Promise.all(
        Array.from({ length: RAISES_IN_FLIGHT }, async () => {
          while (burst-- > 0) await raise();
        }),
      );
      await clock.until(raised, 1_200_000);
    }
    const seconds = (performance.now() - began) / 1000;
    const grown = clock.episodes.slice(firstEpisode);
    console.log(
      `  grew ${from} -> ${clock.historyLength} history events in ${seconds.toFixed(1)} s ` +
        `(${((clock.historyLength - from) / seconds).toFixed(0)} events/s, ${grown.length} episodes)`,
    );
  };

  /** Raises `samples` events one at a time, each after the last was checkpointed; their episodes. */
  const sample = async (): Promise<Phase> => {
    const historyAtStart = clock.historyLength;
    const first = clock.episodes.length;
    for (let i = 0; i < samples; i++) {
      await raise();
      await clock.until(raised, 120_000);
    }
    const episodes = clock.episodes.slice(first).filter((e) => e.events === 1);
    return { historyAtStart, historyAtEnd: clock.historyLength, episodes };
  };

  try {
    await service.start(hub, { name: 'WaitForever', instanceId: INSTANCE });
    await growTo(small);
    const atSmall = await sample();
    await growTo(large);
    const atLarge = await sample();
    await worker.stop();
    // The emulator alone: the commit's History batch into partitions of the same sizes.
    const probes = await probePartitionSizes(azurite.connectionString, [atSmall.historyAtStart, atLarge.historyAtStart], {
      azuritePid: azurite.pid,
    });
    return { atSmall, atLarge, probes };
  } finally {
    await worker.stop();
    await stores.close();
    await counter?.close();
    await azurite.stop();
  }
}

function describe(label: string, phase: Phase): string {
  const part = (pick: (e: Episode) => number) => median(phase.episodes.map(pick)).toFixed(1);
  return (
    `  ${label} (${phase.historyAtStart}-${phase.historyAtEnd} events, ${phase.episodes.length} episodes): ` +
    `median ${part((e) => e.totalMs)} ms = receive+load ${part((e) => e.loadMs)} + plan ${part((e) => e.planMs)} ` +
    `+ commit ${part((e) => e.commitMs)}; worker CPU ${part((e) => e.cpuMs)} ms, Azurite CPU ${azuriteCpuOf(phase).toFixed(1)} ms (mean); ` +
    `p90 ${percentile(
      phase.episodes.map((e) => e.totalMs),
      90,
    ).toFixed(1)} ms${requestsOf(phase)}`
  );
}

/** The median count of each kind of request the commits made (with `--count-requests`). */
function requestsOf(phase: Phase): string {
  const counted = phase.episodes.flatMap((e) => (e.requests ? [e.requests] : []));
  if (counted.length === 0) return '';
  const kinds = [...new Set(counted.flatMap((r) => [...r.keys()]))].sort();
  const medians = kinds.map((kind) => [kind, median(counted.map((r) => r.get(kind) ?? 0))] as const).filter(([, n]) => n > 0);
  return `; commit requests: ${medians.map(([kind, n]) => `${n} ${kind}`).join(', ')}`;
}

function probeFigure(probes: PartitionProbe[]): Figure {
  const [small, large] = probes;
  return {
    figure: `Azurite alone: the commit's History batch into a partition of ${small.rows} vs ${large.rows} rows`,
    value: `${small.batchMs.toFixed(1)} ms vs ${large.batchMs.toFixed(1)} ms (${(large.batchMs / small.batchMs).toFixed(2)}x)`,
    baseline: '-',
    goal: '-',
    met: true,
  };
}

export default async function run(options: EpisodeGrowthOptions = {}): Promise<Figure[]> {
  const { atSmall, atLarge, probes } = await measure(options);
  console.log(describe(`near ${atSmall.historyAtStart}`, atSmall));
  console.log(describe(`near ${atLarge.historyAtStart}`, atLarge));
  console.log(`  Azurite alone, the commit's History batch (3 rows + sentinel merge): ${describeProbe(probes)}`);
  const small = median(atSmall.episodes.map((e) => e.totalMs));
  const large = median(atLarge.episodes.map((e) => e.totalMs));
  const ratio = large / small;
  const cpuSmall = median(atSmall.episodes.map((e) => e.cpuMs));
  const cpuLarge = median(atLarge.episodes.map((e) => e.cpuMs));
  const cpuRatio = cpuLarge / cpuSmall;
  return [
    {
      figure: `episode wall time (Azurite), one event into ~${atSmall.historyAtStart} vs ~${atLarge.historyAtStart} history events${options.cacheOff ? ' (cache off)' : ''}`,
      value: `${small.toFixed(1)} ms vs ${large.toFixed(1)} ms (${ratio.toFixed(2)}x)`,
      baseline: '63 ms vs 1,105 ms (17x)',
      goal: '<= 2x',
      met: ratio <= 2,
    },
    {
      figure: `episode worker CPU, one event into ~${atSmall.historyAtStart} vs ~${atLarge.historyAtStart} history events${options.cacheOff ? ' (cache off)' : ''}`,
      value: `${cpuSmall.toFixed(1)} ms vs ${cpuLarge.toFixed(1)} ms (${cpuRatio.toFixed(2)}x)`,
      baseline: '-',
      goal: '<= 2x',
      met: cpuRatio <= 2,
    },
    {
      figure: `episode Azurite CPU (mean), one event into ~${atSmall.historyAtStart} vs ~${atLarge.historyAtStart} history events`,
      value: `${azuriteCpuOf(atSmall).toFixed(1)} ms vs ${azuriteCpuOf(atLarge).toFixed(1)} ms (${(azuriteCpuOf(atLarge) / azuriteCpuOf(atSmall)).toFixed(2)}x)`,
      baseline: '-',
      goal: '-',
      met: true,
    },
    probeFigure(probes),
  ];
}

await runIfMain(import.meta.url, () => {
  const { values } = parseArgs({
    options: {
      small: { type: 'string' },
      large: { type: 'string' },
      samples: { type: 'string' },
      'cache-off': { type: 'boolean' },
      'count-requests': { type: 'boolean' },
    },
  });
  return run({
    small: values.small ? Number(values.small) : undefined,
    large: values.large ? Number(values.large) : undefined,
    samples: values.samples ? Number(values.samples) : undefined,
    cacheOff: values['cache-off'],
    countRequests: values['count-requests'],
  });
});
