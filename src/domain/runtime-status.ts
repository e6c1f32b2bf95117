// Runtime statuses of an orchestration instance, spelled as the Durable Functions HTTP API and the
// Instances table spell them.

export const RUNTIME_STATUSES = [
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Pending',
  'Suspended',
] as const;
export type RuntimeStatus = (typeof RUNTIME_STATUSES)[number];

/**
 * How a stored row reads when its RuntimeStatus is none of the names above (a row written by a
 * newer provider, or damaged): the extension's `Unknown`. Read-only: never written, never a filter.
 */
export const UNKNOWN_RUNTIME_STATUS = 'Unknown';
/** A runtime status as read back from storage. */
export type StoredRuntimeStatus = RuntimeStatus | typeof UNKNOWN_RUNTIME_STATUS;

/** Statuses from which an instance never moves on by itself. */
export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

/** Statuses that block re-using an instance id on start (Durable Functions' default dedupe set). */
export const ACTIVE_STATUSES: readonly RuntimeStatus[] = ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'];

export function isTerminal(status: StoredRuntimeStatus): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export function isRuntimeStatus(value: unknown): value is RuntimeStatus {
  return (RUNTIME_STATUSES as readonly unknown[]).includes(value);
}
