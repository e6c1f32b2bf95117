// InstanceState (as stored) -> the Durable Functions status object (as serialised on the wire).

import type { InstanceState } from '../storage/types.js';
import type { StatusObject } from './contract.js';

/**
 * Stored payloads are JSON text; anything that is not JSON (termination reasons, failure
 * messages) is returned as a JSON string, and whitespace-only text as "" — like the extension.
 */
export function parseStoredJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `yyyy-MM-ddTHH:mm:ssZ`: whole seconds, as the extension formats them. */
export function wholeSecondsIso(date: Date): string {
  // toISOString is always `yyyy-MM-ddTHH:mm:ss.sssZ` for the years storage can hold.
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function toStatusObject(state: InstanceState, options: { showInput?: boolean } = {}): StatusObject {
  // Key order matters to clients that compare bodies textually: it follows the extension's.
  return {
    name: state.name,
    instanceId: state.instanceId,
    runtimeStatus: state.runtimeStatus,
    input: options.showInput === false ? null : parseStoredJson(state.input),
    customStatus: parseStoredJson(state.customStatus),
    output: parseStoredJson(state.output),
    createdTime: wholeSecondsIso(state.createdTime),
    lastUpdatedTime: wholeSecondsIso(state.lastUpdatedTime),
  };
}
