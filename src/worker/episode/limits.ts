// Values an episode must be able to store, checked while planning so that no write after the
// history checkpoint can fail for good (the instance would stay Running with its output lost).
// What cannot be stored fails the instance with a clear message instead, as the host does:
// custom status over 16 KB (MessagePayloadDataConverter.Serialize(value, 16) in the extension),
// values that are not JSON, and sub-orchestration ids and names no Instances row can hold.
// Inputs, outputs and event data of any size are fine: they go through large-message blobs.

// A child's id becomes a table key like any other, so it gets the client API's length limit.
import { MAX_INSTANCE_ID_LENGTH } from '../../domain/index.js';
import { orchestratorFailed, type ExecutionResult, type FailureDetails } from '../df-host.js';

/** The extension's limit on a custom status, in KB of UTF-16 JSON. */
export const MAX_CUSTOM_STATUS_KB = 16;
/** Azure Table DateTime range (TimerCreated.FireAt is a DateTime column; a past time is stored as given). */
const MIN_TABLE_DATE = Date.UTC(1601, 0, 1);
const MAX_TABLE_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** A table property holds 64 KiB of UTF-16; the Name and Version columns never go to blobs. */
const MAX_COLUMN_CHARS = 32 * 1024;

export interface StorableValues {
  /** JSON text of the custom status (null when none was set, or when it cannot be stored). */
  customStatus: string | null;
  /** JSON text of the output of a completed orchestrator. */
  output?: string;
  /** Set when a value cannot be stored: the instance fails with it. */
  failure?: FailureDetails;
}

function toJson(value: unknown, what: string): string | { reason: string } {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    return { reason: `The ${what} cannot be serialized as JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function customStatusText(orchestrator: string, value: unknown): string | null | FailureDetails {
  if (value === undefined || value === null) return null;
  const text = toJson(value, 'custom status');
  if (typeof text !== 'string') return orchestratorFailed(orchestrator, text.reason);
  // UTF-16: two bytes per code unit, as Azure Storage counts string payloads.
  const sizeInKb = Math.floor((text.length * 2) / 1024);
  if (sizeInKb <= MAX_CUSTOM_STATUS_KB) return text;
  const kb = (n: number) => n.toLocaleString('en-US');
  return orchestratorFailed(
    orchestrator,
    `The UTF-16 size of the JSON-serialized payload must not exceed ${kb(MAX_CUSTOM_STATUS_KB)} KB. The current payload size is ${kb(sizeInKb)} KB.`,
  );
}

/** The texts the episode stores, or why the instance must fail instead. */
export function storableValues(orchestrator: string, result: ExecutionResult): StorableValues {
  const status = customStatusText(orchestrator, result.customStatus);
  if (status !== null && typeof status !== 'string') return { customStatus: null, failure: status };
  if (!result.done || result.failure || result.continueAsNewInput !== undefined) return { customStatus: status };
  const output = toJson(result.output ?? null, 'output');
  if (typeof output !== 'string') return { customStatus: status, failure: orchestratorFailed(orchestrator, output.reason) };
  return { customStatus: status, output };
}

/** Why a new task cannot be scheduled (its row or its message could never be written). */
export function unschedulable(orchestrator: string, result: ExecutionResult): FailureDetails | undefined {
  for (const task of result.newTasks) {
    if (task.kind === 'timer' && !(task.fireAt.getTime() >= MIN_TABLE_DATE && task.fireAt.getTime() <= MAX_TABLE_DATE)) {
      return orchestratorFailed(orchestrator, `The timer with sequence number ${task.id} has an invalid fire time.`);
    }
    if (task.kind !== 'subOrchestration') continue;
    const id = task.instanceId;
    if (id !== undefined && (id.length > MAX_INSTANCE_ID_LENGTH || id.startsWith('@'))) {
      const why =
        id.length > MAX_INSTANCE_ID_LENGTH
          ? `is longer than ${MAX_INSTANCE_ID_LENGTH} characters`
          : "starts with '@' (reserved for entities)";
      return orchestratorFailed(orchestrator, `The instance ID of sub-orchestration '${task.name.slice(0, 100)}' ${why}.`);
    }
    if (task.name.length > MAX_COLUMN_CHARS || (task.version ?? '').length > MAX_COLUMN_CHARS) {
      return orchestratorFailed(
        orchestrator,
        `The name or version of the sub-orchestration with sequence number ${task.id} is longer than ${MAX_COLUMN_CHARS} characters.`,
      );
    }
  }
  return undefined;
}
