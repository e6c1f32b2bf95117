// Connects the metrics to the parts of a server that feed them: the worker's episodes, activities
// and partitions, and the default task hub's queues. Used by the composition root only.

import type { Config } from '../config.js';
import { createAccountClients } from '../storage/azure/clients.js';
import { hubResourceNames } from '../storage/azure/names.js';
import type { StoreProvider } from '../storage/port.js';
import type { WorkerObserver } from '../worker/observer.js';
import type { Metrics } from './metrics.js';
import { sampledQueueDepths } from './queue-depths.js';

export function workerObserver(metrics: Metrics): WorkerObserver {
  return {
    episode: (taskHub, outcome) => metrics.episodes.inc({ task_hub: taskHub, outcome }),
    activity: (taskHub, outcome) => metrics.activities.inc({ task_hub: taskHub, outcome }),
  };
}

/** Samples the default hub's control queues and work-item queue on the default connection. */
export function observeHubQueues(metrics: Metrics, config: Config, stores: StoreProvider): void {
  const connectionString = config.connections[config.defaultConnection];
  if (!connectionString) return;
  const clients = createAccountClients(connectionString);
  const names = hubResourceNames(config.hubName);
  metrics.queueMessages = sampledQueueDepths({
    async queueNames() {
      const partitions = await stores.workItems(config.defaultConnection, config.hubName).partitionCount();
      return [...Array.from({ length: partitions }, (_, p) => names.controlQueue(p)), names.workItemQueue];
    },
    async approximateCount(queue) {
      return (await clients.queue(queue).getProperties()).approximateMessagesCount ?? 0;
    },
  });
}
