// InstanceState (as stored) -> the Durable Functions status object (as serialised on the wire).

import type { InstanceState } from '../domain/index.js';
import type { StatusObject } from './contract.js';
import { storedPayload } from './json-text.js';

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
    input: options.showInput === false ? null : storedPayload(state.input),
    customStatus: storedPayload(state.customStatus),
    output: storedPayload(state.output),
    createdTime: wholeSecondsIso(state.createdTime),
    lastUpdatedTime: wholeSecondsIso(state.lastUpdatedTime),
  };
}
