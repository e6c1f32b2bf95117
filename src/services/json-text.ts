// Payloads (inputs, event data, outputs) travel as the caller's JSON text, never re-serialised:
// JSON.parse + JSON.stringify would turn 12345678901234567890 into 12345678901234567000 and 1.0
// into 1, where the extension keeps them. Only the orchestration code itself parses payloads.

/** JSON text that has been checked to parse; written into responses verbatim. */
export class JsonText {
  private constructor(readonly text: string) {}

  /** The trimmed text when it is valid JSON; throws SyntaxError otherwise. */
  static parse(text: string): JsonText {
    const trimmed = text.trim();
    JSON.parse(trimmed);
    return new JsonText(trimmed);
  }

  /** Text already known to be valid JSON (it was validated when it was stored). */
  static trusted(text: string): JsonText {
    return new JsonText(text);
  }

  /** For serialisers that do not know this type: the parsed value (may round numbers). */
  toJSON(): unknown {
    return JSON.parse(this.text) as unknown;
  }
}

/** A payload to store: JsonText as written, anything else serialised; undefined -> null. */
export function payloadText(value: unknown): string | null {
  if (value === undefined) return null;
  if (value instanceof JsonText) return value.text;
  return JSON.stringify(value) ?? null;
}

/**
 * A stored payload as the status object shows it: JSON text verbatim, anything that is not JSON
 * (termination reasons, failure messages) as a JSON string, whitespace-only text as "" — as the
 * extension reads Instances rows.
 */
export function storedPayload(text: string | null | undefined): JsonText | string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed === '') return '';
  try {
    return JsonText.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** JSON.stringify that writes JsonText values verbatim; `indent` as JSON.stringify's `space`. */
export function stringifyJson(value: unknown, indent = 0): string {
  return (indent > 0 ? write(value, ' '.repeat(indent), '') : writeCompact(value)) ?? 'null';
}

/** A value without indentation (every HTTP answer): appended to one string, no arrays to join. */
function writeCompact(value: unknown): string | undefined {
  if (value instanceof JsonText) return value.text;
  if (value === null || typeof value !== 'object' || value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${writeCompact(value[i]) ?? 'null'}`;
    return `${out}]`;
  }
  let out = '';
  for (const key of Object.keys(value)) {
    const text = writeCompact((value as Record<string, unknown>)[key]);
    if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `{${out}}`;
}

/** A value indented by `step` (non-empty: the compact form is writeCompact's), at depth `current`. */
function write(value: unknown, step: string, current: string): string | undefined {
  if (value instanceof JsonText) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value);
  const inner = current + step;
  const open = `\n${inner}`;
  const close = `\n${current}`;
  const separator = `,\n${inner}`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item) => write(item, step, inner) ?? 'null');
    return `[${open}${items.join(separator)}${close}]`;
  }
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const text = write(member, step, inner);
    if (text !== undefined) members.push(`${JSON.stringify(key)}: ${text}`);
  }
  if (members.length === 0) return '{}';
  return `{${open}${members.join(separator)}${close}}`;
}
