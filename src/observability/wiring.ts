// Connects the metrics to the parts of a server that feed them: the worker's episodes, activities
// and partitions, and a task hub's queues. Used by the composition root only; it names no adapter.

import type { WorkerObserver } from '../worker/observer.js';
import type { Metrics } from './metrics.js';
import { sampledQueueDepths, type QueueDepthSource } from './queue-depths.js';

export function workerObserver(metrics: Metrics): WorkerObserver {
  return {
    episode: (taskHub, outcome) => metrics.episodes.inc({ task_hub: taskHub, outcome }),
    activity: (taskHub, outcome) => metrics.activities.inc({ task_hub: taskHub, outcome }),
  };
}

/** Samples a hub's control queues and work-item queue; the composition root hands in the adapter's reader. */
export function observeHubQueues(metrics: Metrics, queues: QueueDepthSource): void {
  metrics.queueMessages = sampledQueueDepths(queues);
}
