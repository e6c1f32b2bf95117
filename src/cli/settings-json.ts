// Reads host.json and local.settings.json as leniently as Core Tools does (it parses both with
// Newtonsoft's JObject.Parse, which skips comments and trailing commas, and files saved by Visual
// Studio start with a byte-order mark), and fails in one line that never quotes the file: a
// local.settings.json holds connection strings, and JSON.parse's own message can include a
// stretch of the text.

import { readFileSync } from 'node:fs';
import { UsageError } from './failures.js';

/**
 * The text with comments and trailing commas turned into spaces; everything else (newlines
 * included) stays where it was, so a position in the result is a position in the file.
 */
export function blankCommentsAndTrailingCommas(text: string): string {
  const out = text.split('');
  let i = 0;
  const skipBlank = (from: number): number => {
    let j = from;
    for (;;) {
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text.startsWith('//', j)) while (j < text.length && text[j] !== '\n') j++;
      else if (text.startsWith('/*', j)) {
        const end = text.indexOf('*/', j + 2);
        j = end === -1 ? text.length : end + 2;
      } else return j;
    }
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      // Skip the string, escapes included.
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
    } else if (text.startsWith('//', i) || text.startsWith('/*', i)) {
      const end = skipBlank(i);
      for (let j = i; j < end; j++) if (out[j] !== '\n' && out[j] !== '\r') out[j] = ' ';
      i = end;
    } else if (c === ',' && (text[skipBlank(i + 1)] === '}' || text[skipBlank(i + 1)] === ']')) {
      out[i++] = ' ';
    } else i++;
  }
  return out.join('');
}

function location(text: string, message: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return message.includes('end of JSON input') ? ' (it ends too early)' : '';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}

/** The parsed file; undefined when it does not exist. */
export function readSettingsJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UsageError(`Cannot read ${path}: ${code ?? 'read error'}.`);
  }
  const json = blankCommentsAndTrailingCommas(text.replace(/^\uFEFF/, ''));
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON${location(json, (error as Error).message)}.`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The property `name` of `object`, matched regardless of case (Newtonsoft's OrdinalIgnoreCase lookups). */
export function propertyIgnoringCase(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}
