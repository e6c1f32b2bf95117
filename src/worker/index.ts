// The orchestration worker: runs orchestrations and activities registered in a Registry against
// the task hub(s) the management API serves. See registry.ts for the user-code API.

import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type pino from 'pino';
import type { Config } from '../config.js';
import type { InstanceEvents } from '../services/instance-events.js';
import type { WorkItemStore, WorkItemStoreProvider } from '../storage/port.js';
import { ActivityDispatcher } from './activity-dispatcher.js';
import { EntityDispatcher } from './entities/entity-dispatcher.js';
import { OrchestrationDispatcher } from './orchestration-dispatcher.js';
import type { WorkerObserver } from './observer.js';
import { PartitionOwnership } from './partition-ownership.js';
import { loadAppModule, Registry } from './registry.js';
import { registerSamples } from './samples.js';

export { Registry } from './registry.js';
export type { WorkerObserver, WorkOutcome } from './observer.js';
export type { ActivityContext, ActivityFunction, EntityFunction, OrchestratorFunction, RegisterFunction } from './registry.js';

export interface WorkerTuning {
  /** Partition lease duration; a crashed worker's partitions are taken over after it. */
  leaseDurationInMs: number;
  /** How long received control messages stay invisible (redelivered after a crash). */
  controlVisibilityInMs: number;
  /** Visibility of a running work item (renewed while the activity runs). */
  workItemVisibilityInMs: number;
  /** Activities run in parallel by this worker. */
  activityConcurrency: number;
  /** Idle polling back-off bounds. */
  minPollIntervalInMs: number;
  maxPollIntervalInMs: number;
  /**
   * Keep orchestrator runs suspended between episodes and feed them only the new events (the
   * provider's extended sessions). Off: every episode replays the whole history, as after a restart.
   */
  replaySessions: boolean;
}

export const DEFAULT_TUNING: WorkerTuning = {
  leaseDurationInMs: 15_000,
  controlVisibilityInMs: 30_000,
  workItemVisibilityInMs: 60_000,
  activityConcurrency: 16,
  minPollIntervalInMs: 25,
  maxPollIntervalInMs: 1_000,
  replaySessions: true,
};

export interface StartWorkerOptions {
  config: Config;
  stores: WorkItemStoreProvider;
  events: InstanceEvents;
  logger: pino.Logger;
  /** Functions to run; default: `config.appModule` if set, else the built-in samples. */
  registry?: Registry;
  /** Task hubs to serve (default `[config.hubName]`), on `config.defaultConnection`. */
  hubs?: string[];
  tuning?: Partial<WorkerTuning>;
  /** Told of each episode and activity (metrics). */
  observer?: WorkerObserver;
}

export interface RunningWorker {
  stop(): Promise<void>;
  orchestratorNames(): string[];
  entityNames(): string[];
  /** Control-queue partitions whose lease this worker holds, per task hub. */
  partitionsOwned(): { taskHub: string; count: number }[];
}

const sleep = (ms: number, signal: AbortSignal, wake?: Waker) =>
  new Promise<boolean>((resolve) => {
    // A stop during the step before this sleep has already fired its abort event, which a listener
    // added now would never see: the loop would sleep out its whole back-off before it stopped.
    if (signal.aborted) return resolve(false);
    const done = (woken: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      wake?.sleepers.delete(onWake);
      resolve(woken);
    };
    const onAbort = () => done(false);
    const onWake = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    signal.addEventListener('abort', onAbort, { once: true });
    wake?.sleepers.add(onWake);
  });

/** Cuts the idle back-off short when this process itself just enqueued work for a loop. */
class Waker {
  readonly sleepers = new Set<() => void>();
  kick(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}

/** Polls with exponential back-off while idle; `step` returns true when it found work. */
async function pollLoop(
  step: () => Promise<boolean>,
  tuning: WorkerTuning,
  signal: AbortSignal,
  onError: (e: unknown) => void,
  wake?: Waker,
) {
  let delay = tuning.minPollIntervalInMs;
  while (!signal.aborted) {
    let busy = false;
    try {
      busy = await step();
    } catch (error) {
      onError(error);
    }
    if (busy) {
      delay = tuning.minPollIntervalInMs;
      continue;
    }
    const woken = await sleep(delay, signal, wake);
    delay = woken ? tuning.minPollIntervalInMs : Math.min(delay * 2, tuning.maxPollIntervalInMs);
  }
}

/**
 * A hub whose partitions a Durable Functions 2.x app manages with blob leases: this worker does not
 * take part in that protocol, so it would take control-queue messages that app owns at the same time.
 */
async function refuseBlobLeaseHub(store: WorkItemStore): Promise<void> {
  const leases = await store.blobLeaseNames();
  if (leases.length === 0) return;
  throw new BlobLeaseHubError(
    `Task hub '${store.hubName}' has its partitions managed with blob leases (${leases.slice(0, 2).join(', ')}` +
      `${leases.length > 2 ? ', ...' : ''} in the ${store.hubName.toLowerCase()}-leases container), as Durable Functions 2.x apps ` +
      'lay it out. The taskhub worker does not take part in blob-lease partition management and would take work that ' +
      'such an app owns, so it does not run on this hub. Run with --no-worker (TASKHUB_WORKER=false) to manage the hub ' +
      'over the API only, or move the app to table partition management and delete the lease blobs.',
  );
}

export class BlobLeaseHubError extends Error {}

/**
 * The store, with each completion also waking the idle loops that receive what it sent in this
 * process: a message to an instance wakes only its partition's loop, and only while this process
 * owns that partition.
 */
function withWakeUps(store: WorkItemStore, control: (partition: number) => Waker | undefined, activities: Waker): WorkItemStore {
  const wrapped = Object.create(store) as WorkItemStore;
  wrapped.completeOrchestrationWorkItem = async (item, commit) => {
    await store.completeOrchestrationWorkItem(item, commit);
    if (commit.activities?.length) activities.kick();
    for (const m of commit.messages ?? []) if (!m.delayInMs) control(await store.partitionOf(m.instance.InstanceId))?.kick();
  };
  wrapped.completeActivityWorkItem = async (item, result) => {
    await store.completeActivityWorkItem(item, result);
    control(await store.partitionOf(item.instance.InstanceId))?.kick();
  };
  return wrapped;
}

/** The tuning flags of the command line (`--lease-duration-ms`, `--message-visibility-ms`). */
function tuningFrom(config: Config): Partial<WorkerTuning> {
  const tuning: Partial<WorkerTuning> = {};
  if (config.leaseDurationInMs) tuning.leaseDurationInMs = config.leaseDurationInMs;
  if (config.messageVisibilityInMs) tuning.controlVisibilityInMs = tuning.workItemVisibilityInMs = config.messageVisibilityInMs;
  return tuning;
}

export async function createRegistry(config: Config): Promise<Registry> {
  const registry = new Registry();
  if (config.appModule) await loadAppModule(config.appModule, registry);
  else registerSamples(registry);
  return registry;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, stores, events } = options;
  // Checked before anything starts: nothing is left running when the worker refuses a hub.
  for (const hub of options.hubs ?? [config.hubName]) await refuseBlobLeaseHub(stores.workItems(config.defaultConnection, hub));
  const tuning: WorkerTuning = { ...DEFAULT_TUNING, ...tuningFrom(config), ...options.tuning };
  const registry = options.registry ?? (await createRegistry(config));
  const owner = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const logger = options.logger.child({ component: 'worker' });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every poll loop waits on it
  const loops: Promise<void>[] = [];
  const ownerships: { taskHub: string; ownership: PartitionOwnership }[] = [];
  const activityDispatchers: ActivityDispatcher[] = [];
  const onError = (err: unknown) => logger.error({ err }, 'worker loop error');
  const activityWaker = new Waker();
  /** Per served hub: wakes the loop of the partition an API operation in this process enqueued for (all without an instance). */
  const clientWakeUps = new Map<string, (instanceId?: string) => void>();
  const stopCovering: (() => void)[] = [];
  const stopListening = events.onQueued((hub, instanceId) => clientWakeUps.get(hub.toLowerCase())?.(instanceId));

  for (const hub of options.hubs ?? [config.hubName]) {
    const hubStore = stores.workItems(config.defaultConnection, hub);
    const ownership = new PartitionOwnership(hubStore, { owner, leaseDurationInMs: tuning.leaseDurationInMs }, logger);
    const partitionWakers: Waker[] = [];
    const wakerOf = (partition: number) => (ownership.isOwned(partition) ? partitionWakers[partition] : undefined);
    const store = withWakeUps(hubStore, wakerOf, activityWaker);
    clientWakeUps.set(hub.toLowerCase(), (instanceId) => {
      if (instanceId === undefined) for (const waker of partitionWakers) waker.kick();
      else void hubStore.partitionOf(instanceId).then((partition) => wakerOf(partition)?.kick(), onError);
    });
    await store.ensure();
    ownerships.push({ taskHub: hub, ownership });
    // Waiters in this process need not poll instances whose checkpoints this worker notifies.
    stopCovering.push(events.cover(hub, async (instanceId) => ownership.ownedSince(await hubStore.partitionOf(instanceId))));
    const entities = new EntityDispatcher(registry, logger);
    const orchestrations = new OrchestrationDispatcher(
      store,
      registry,
      events,
      logger,
      {
        controlVisibilityInMs: tuning.controlVisibilityInMs,
        batchSize: 32,
        observer: options.observer,
        replaySessions: tuning.replaySessions,
      },
      entities,
    );
    const activities = new ActivityDispatcher(store, registry, logger, {
      workItemVisibilityInMs: tuning.workItemVisibilityInMs,
      concurrency: tuning.activityConcurrency,
      observer: options.observer,
    });
    activityDispatchers.push(activities);
    const partitions = await store.partitionCount();
    await ownership.refresh();
    const refreshEvery = Math.max(250, Math.floor(tuning.leaseDurationInMs / 3));
    loops.push(
      (async () => {
        while (!abort.signal.aborted) {
          await sleep(refreshEvery, abort.signal);
          if (!abort.signal.aborted) await ownership.refresh().catch(onError);
        }
      })(),
    );
    for (let p = 0; p < partitions; p++) {
      const partition = p;
      const waker = new Waker();
      partitionWakers.push(waker);
      loops.push(
        pollLoop(
          async () => ownership.isOwned(partition) && (await orchestrations.pollOnce(partition)) > 0,
          tuning,
          abort.signal,
          onError,
          waker,
        ),
      );
    }
    // One receive loop per hub hands out up to 32 activities at a time to the free slots.
    loops.push(pollLoop(() => activities.fetchAndStart(), tuning, abort.signal, onError, activityWaker));
  }
  logger.info({ hubs: options.hubs ?? [config.hubName], orchestrators: [...registry.orchestrations.keys()] }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    orchestratorNames: () => [...registry.orchestrations.keys()],
    entityNames: () => [...registry.entities.keys()],
    partitionsOwned: () => ownerships.map(({ taskHub, ownership }) => ({ taskHub, count: ownership.ownedPartitions().length })),
    stop() {
      stopping ??= (async () => {
        stopListening();
        for (const stop of stopCovering) stop();
        abort.abort();
        await Promise.all(loops);
        await Promise.all(activityDispatchers.map((a) => a.idle()));
        await Promise.all(ownerships.map(({ ownership }) => ownership.releaseAll()));
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
