// User code may throw anything. A non-Error keeps its content the way the Azure Functions Node
// worker keeps it (ensureErrorType): strings as they are, objects as JSON, other values as text.

import { fieldText } from '../domain/index.js';

export function errorFromThrown(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(describeThrown(thrown));
}

function describeThrown(thrown: unknown): string {
  if (thrown === undefined || thrown === null) return 'Unknown error';
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'object') {
    try {
      return JSON.stringify(thrown);
    } catch {
      return Object.prototype.toString.call(thrown); // circular or BigInt inside: still better than nothing
    }
  }
  if (typeof thrown === 'symbol' || typeof thrown === 'function') return thrown.toString();
  return fieldText(thrown); // number, boolean, bigint
}
