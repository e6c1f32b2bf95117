// Table key escaping as the Durable Task Azure Storage provider does it (KeySanitation):
// `^` -> `^^`, `/ \ # ?` -> `^0..^3`, control characters -> `^` + (char + U+00C0).
// Never escape twice: the escape is not idempotent.

const SPECIAL: Record<string, string> = { '^': '^^', '/': '^0', '\\': '^1', '#': '^2', '?': '^3' };
const UNSPECIAL: Record<string, string> = { '^': '^', '0': '/', '1': '\\', '2': '#', '3': '?' };

const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

export function escapeKey(raw: string): string {
  let out = '';
  for (const ch of raw) {
    const code = ch.charCodeAt(0);
    if (SPECIAL[ch] !== undefined) out += SPECIAL[ch];
    else if (ch.length === 1 && isControl(code)) out += '^' + String.fromCharCode(code + 0xc0);
    else out += ch;
  }
  return out;
}

export function unescapeKey(escaped: string): string {
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i];
    if (ch !== '^' || i === escaped.length - 1) {
      out += ch;
      continue;
    }
    const next = escaped[++i];
    out += UNSPECIAL[next] ?? String.fromCharCode(next.charCodeAt(0) - 0xc0);
  }
  return out;
}

/** Key range [from, to) that holds every escaped key starting with the escaped prefix. */
export function prefixRange(rawPrefix: string): { from: string; to: string } {
  const from = escapeKey(rawPrefix);
  const last = from.charCodeAt(from.length - 1);
  return { from, to: from.slice(0, -1) + String.fromCharCode(last + 1) };
}
