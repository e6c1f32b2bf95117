// The process's Prometheus metrics: one registry per server (tests run several in one process),
// created by the composition root and handed to the app, the store wrapper and the worker.
// Names follow the Prometheus conventions: base units (seconds), `_total` counters, snake_case labels.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets from 5 ms to 60 s: point reads sit at the low end, long polls at the high end. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STORAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export type Outcome = 'completed' | 'failed';

/** A sampled gauge's source: read at scrape time (see sampled-gauges.ts). */
export type GaugeSource = () => Promise<{ labels: Record<string, string>; value: number }[]>;

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status_code'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly storageOperations: Counter<'operation' | 'outcome'>;
  readonly storageDuration: Histogram<'operation'>;
  readonly episodes: Counter<'task_hub' | 'outcome'>;
  readonly activities: Counter<'task_hub' | 'outcome'>;
  /** Sources read at scrape time; set by the worker and the composition root. */
  partitionsOwned?: () => { taskHub: string; count: number }[];
  longPollWaiters?: () => number;
  queueMessages?: GaugeSource;
}

export function createMetrics(version: string): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'taskhub_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status code.',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'taskhub_http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response, by route pattern.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: HTTP_BUCKETS,
      registers: [registry],
    }),
    storageOperations: new Counter({
      name: 'taskhub_storage_operations_total',
      help: 'Store operations (each one or more storage calls), by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    storageDuration: new Histogram({
      name: 'taskhub_storage_operation_duration_seconds',
      help: 'Latency of store operations, by operation.',
      labelNames: ['operation'],
      buckets: STORAGE_BUCKETS,
      registers: [registry],
    }),
    episodes: new Counter({
      name: 'taskhub_worker_orchestration_episodes_total',
      help: 'Orchestration episodes this worker ran, by outcome (failed: the episode is retried).',
      labelNames: ['task_hub', 'outcome'],
      registers: [registry],
    }),
    activities: new Counter({
      name: 'taskhub_worker_activities_total',
      help: 'Activities this worker ran, by outcome (failed: the activity function threw).',
      labelNames: ['task_hub', 'outcome'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'taskhub_build_info',
    help: 'Always 1; the labels say what is running.',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  }).set({ version, node_version: process.version }, 1);
  new Gauge({
    name: 'taskhub_worker_partitions_owned',
    help: 'Control-queue partitions whose lease this worker holds.',
    labelNames: ['task_hub'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { taskHub, count } of metrics.partitionsOwned?.() ?? []) this.set({ task_hub: taskHub }, count);
    },
  });
  new Gauge({
    name: 'taskhub_long_poll_waiters',
    help: 'Requests currently held open waiting for an instance to finish.',
    registers: [registry],
    collect() {
      this.set(metrics.longPollWaiters?.() ?? 0);
    },
  });
  new Gauge({
    name: 'taskhub_queue_messages',
    help: 'Approximate messages waiting per queue of the default task hub, sampled at scrape time.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const samples = (await metrics.queueMessages?.()) ?? [];
      this.reset();
      for (const { labels, value } of samples) this.set(labels as { queue: string }, value);
    },
  });
  return metrics;
}
