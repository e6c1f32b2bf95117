// What an orchestration instance is, as every layer names it (one Instances row, read back).

import type { StoredRuntimeStatus } from './runtime-status.js';

export interface InstanceState {
  instanceId: string;
  name: string;
  version: string;
  executionId: string;
  runtimeStatus: StoredRuntimeStatus;
  /** JSON text (large values already fetched from blobs); null when absent or not fetched. */
  input: string | null;
  /** JSON text, or plain text for failure messages and termination reasons. */
  output: string | null;
  customStatus: string | null;
  createdTime: Date;
  lastUpdatedTime: Date;
  completedTime?: Date;
  scheduledStartTime?: Date;
  generation: number;
  tags?: Record<string, string>;
}
