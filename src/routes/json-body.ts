// Payload bodies (inputs, event data, entity operation input): the caller's JSON text, checked
// and kept as written.

import { DomainError } from '../domain/index.js';
import { JsonText } from '../services/json-text.js';

/** Json.NET's default MaxDepth: deeper payloads would not load in a .NET Durable Functions worker. */
export const MAX_JSON_DEPTH = 64;

/** Deepest array/object nesting of JSON text, ignoring brackets inside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** Raw body text -> the same text, checked to be JSON; undefined for an empty body. */
export function parseJsonBody(body: unknown): JsonText | undefined {
  // The raw-body parser hands every body over as text (content-parsers.ts); no body is undefined.
  if (typeof body !== 'string') return undefined;
  const text = body;
  if (text.trim() === '') return undefined;
  let value: JsonText;
  try {
    value = JsonText.parse(text);
  } catch {
    throw new DomainError('InvalidJson', 'The request body is not valid JSON.');
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new DomainError('InvalidJson', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return value;
}
