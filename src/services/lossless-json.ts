// Reads JSON without losing what JSON.parse loses: members that hold a caller's payload stay that
// payload's text (JsonText, written back verbatim), and any other number whose text a JS number
// would change (12345678901234567890, 1.0) stays its text too. Everything else reads as JSON.parse
// reads it. The CLI reads the server's answers with it (payloads in the status object and entity
// list); the server reads request bodies that carry a payload among other members (batches).

import { JsonText } from './json-text.js';

/** Members whose value is a caller's payload, in the status object and the entity list. */
export const ANSWER_PAYLOAD_MEMBERS: ReadonlySet<string> = new Set(['input', 'output', 'customStatus', 'state']);

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * JSON text -> values, with the members named in `payloadMembers` (at any depth; a string or null
 * stays a plain value) and unrepresentable numbers as JsonText. Throws SyntaxError.
 */
export function parseLosslessJson(text: string, payloadMembers: ReadonlySet<string> = ANSWER_PAYLOAD_MEMBERS): unknown {
  const reader = new Reader(text, payloadMembers);
  const value = reader.value(false);
  reader.skipWhitespace();
  if (reader.at < text.length) reader.fail('unexpected text after the value');
  return value;
}

class Reader {
  at = 0;

  constructor(
    private readonly text: string,
    private readonly payloadMembers: ReadonlySet<string>,
  ) {}

  fail(what: string): never {
    throw new SyntaxError(`Invalid JSON at offset ${this.at}: ${what}.`);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.test(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private token(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match) return undefined;
    this.at = pattern.lastIndex;
    return match[0];
  }

  /** One value; `verbatim`: a payload member, kept as its text unless it is a string or null. */
  value(verbatim: boolean): unknown {
    this.skipWhitespace();
    const start = this.at;
    const value = this.parsed();
    if (!verbatim || value === null || typeof value === 'string' || value instanceof JsonText) return value;
    return JsonText.trusted(this.text.slice(start, this.at));
  }

  private parsed(): unknown {
    const ch = this.text[this.at];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') {
      const literal = this.token(STRING) ?? this.fail('bad string');
      return JSON.parse(literal) as string;
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    const number = this.token(NUMBER) ?? this.fail('expected a value');
    // Numbers whose text survives the round trip stay numbers (counts, event ids).
    return String(Number(number)) === number ? Number(number) : JsonText.trusted(number);
  }

  private expect(ch: string): void {
    this.skipWhitespace();
    if (this.text[this.at] !== ch) this.fail(`expected '${ch}'`);
    this.at++;
  }

  /** True (and consumed) when `ch` comes next. */
  private consume(ch: string): boolean {
    this.skipWhitespace();
    if (this.text[this.at] !== ch) return false;
    this.at++;
    return true;
  }

  private object(): Record<string, unknown> {
    this.at++;
    const object: Record<string, unknown> = {};
    if (this.consume('}')) return object;
    for (;;) {
      this.skipWhitespace();
      const key = JSON.parse(this.token(STRING) ?? this.fail('expected a member name')) as string;
      this.expect(':');
      const value = this.value(this.payloadMembers.has(key));
      // defineProperty: a member named __proto__ is data, as JSON.parse treats it.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      if (this.consume(',')) continue;
      this.expect('}');
      return object;
    }
  }

  private array(): unknown[] {
    this.at++;
    const array: unknown[] = [];
    if (this.consume(']')) return array;
    for (;;) {
      array.push(this.value(false));
      if (this.consume(',')) continue;
      this.expect(']');
      return array;
    }
  }
}
