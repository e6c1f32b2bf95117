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

/** Statuses from which an instance never moves on by itself. */
export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

/** Statuses that block re-using an instance id on start (Durable Functions' default dedupe set). */
export const ACTIVE_STATUSES: readonly RuntimeStatus[] = ['Running', 'Pending', 'Suspended', 'ContinuedAsNew'];

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isRuntimeStatus(value: unknown): value is RuntimeStatus {
  return (RUNTIME_STATUSES as readonly unknown[]).includes(value);
}
