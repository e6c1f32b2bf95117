// Messages waiting per queue of a task hub (its control queues and work-item queue), read at
// scrape time from each queue's approximate message count and cached briefly, so frequent or
// concurrent scrapes cost one storage call per queue every few seconds at most.

import type { GaugeSource } from './metrics.js';

export interface QueueDepthSource {
  /** Queue names to sample (resolved each time: the partition count is discovered lazily). */
  queueNames(): Promise<string[]>;
  /** Approximate number of messages in one queue. */
  approximateCount(queue: string): Promise<number>;
}

export const QUEUE_SAMPLE_CACHE_IN_MS = 5_000;

export function sampledQueueDepths(source: QueueDepthSource, cacheInMs = QUEUE_SAMPLE_CACHE_IN_MS): GaugeSource {
  let cached: { at: number; samples: Promise<Awaited<ReturnType<GaugeSource>>> } | undefined;
  const read = async () => {
    const names = await source.queueNames();
    const counts = await Promise.all(names.map((queue) => source.approximateCount(queue).catch(() => undefined)));
    // A queue that could not be read is left out rather than reported as empty.
    return names.flatMap((queue, i) => (counts[i] === undefined ? [] : [{ labels: { queue }, value: counts[i] }]));
  };
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheInMs) {
      const samples = read().catch(() => []);
      cached = { at: now, samples };
    }
    return cached.samples;
  };
}
