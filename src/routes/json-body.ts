// Payload bodies (inputs, event data, entity operation input): the caller's JSON text, checked
// and kept as written.

import { DomainError } from '../domain/index.js';
import { LargeBody } from '../payloads/large-body.js';
import { parseJsonOffThread } from '../payloads/payload-thread.js';
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

const invalidJson = () => new DomainError('InvalidJson', 'The request body is not valid JSON.');
const tooDeep = () => new DomainError('InvalidJson', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);

/** Raw body text -> the same text, checked to be JSON; undefined for an empty body. */
export function parseJsonBody(body: unknown): JsonText | undefined {
  // The raw-body parser hands every body over as text, or a large one as bytes (content-parsers.ts).
  const text = body instanceof LargeBody ? body.text() : body;
  if (typeof text !== 'string') return undefined;
  if (text.trim() === '') return undefined;
  let value: JsonText;
  try {
    value = JsonText.parse(text);
  } catch {
    throw invalidJson();
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) throw tooDeep();
  return value;
}

/** parseJsonBody, with a large body decoded and checked on the payload thread. */
export async function readJsonBody(body: unknown): Promise<JsonText | undefined> {
  if (!(body instanceof LargeBody)) return parseJsonBody(body);
  const parsed = await parseJsonOffThread(body.bytes, MAX_JSON_DEPTH);
  if (parsed.error !== undefined) throw parsed.error === 'depth' ? tooDeep() : invalidJson();
  return parsed.text === '' ? undefined : JsonText.trusted(parsed.text);
}
