// Loosely typed fields (table columns, members of stored JSON) read as text, without String()'s
// surprises: an object must not turn into "[object Object]" and a Date not into its local-time
// spelling.

/** Strings as they are, numbers and booleans spelled out, dates in ISO 8601; anything else (absent, null, objects) is ''. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return '';
}
