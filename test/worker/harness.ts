// The worker suites: the HTTP app plus an in-process worker on a fresh task hub (two partitions).
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { Registry, WorkerTuning } from '../../src/worker/index.js';
export { BASE, KEY, pollStatus } from '../helpers/app.js';

export type Harness = TestApp;

export function startHarness(
  options: { worker?: boolean; partitionCount?: number; registry?: Registry; tuning?: Partial<WorkerTuning> } = {},
): Promise<Harness> {
  return startTestApp({
    hubPrefix: 'w',
    env: { TASKHUB_PARTITION_COUNT: String(options.partitionCount ?? 2) },
    worker: options.worker === false ? false : { registry: options.registry, tuning: options.tuning },
  });
}
