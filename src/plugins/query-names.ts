// Query parameter names are case-insensitive in the Durable Functions API (`showhistory` =
// `showHistory`). This parser maps every name onto the spelling used in the route schemas, so
// validation, OpenAPI and handlers only ever see one spelling. Boolean values are lower-cased
// (.NET accepts `True`), and repeated names are comma-joined as the extension does.

import type { RouteOptions } from 'fastify';
import { invalidQuery } from '../domain/index.js';

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>;
}

export interface QueryNames {
  /** Learns the canonical names of a route's querystring schema (call from an onRoute hook). */
  learn(route: RouteOptions): void;
  parse(text: string): Record<string, string>;
  /**
   * Throws a 400 for a numeric parameter spelled as a non-finite number (`1e309`, `Infinity`):
   * Ajv's type coercion turns those into Infinity and then skips its minimum/maximum checks.
   * Also for one not written in decimal (`0x10`, `0b1`, `0o7`): the coercion reads those as
   * numbers, the extension's parser does not (it would ignore the parameter).
   */
  checkFinite(query: unknown): void;
}

/** Decimal notation with an optional sign, fraction and exponent, as .NET's double.TryParse reads it. */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

export function createQueryNames(): QueryNames {
  const canonical = new Map<string, string>();
  const booleans = new Set<string>();
  const numbers = new Set<string>();

  return {
    learn(route) {
      const schema = route.schema?.querystring as QuerySchema | undefined;
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        canonical.set(name.toLowerCase(), name);
        if (property.type === 'boolean') booleans.add(name);
        if (property.type === 'number' || property.type === 'integer') numbers.add(name);
      }
    },
    parse(text) {
      const query: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [rawName, rawValue] of new URLSearchParams(text)) {
        const name = canonical.get(rawName.trim().toLowerCase()) ?? rawName.trim();
        const value = booleans.has(name) ? rawValue.trim().toLowerCase() : rawValue;
        query[name] = name in query ? `${query[name]},${value}` : value;
      }
      return query;
    },
    checkFinite(query) {
      if (typeof query !== 'object' || query === null) return;
      for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
        if (!numbers.has(name) || typeof value !== 'string') continue;
        for (const item of value.split(',')) {
          const number = Number(item);
          if (item.trim() === '' || Number.isNaN(number)) continue;
          if (!Number.isFinite(number)) throw invalidQuery(name, 'must be a finite number');
          if (!DECIMAL.test(item)) throw invalidQuery(name, 'must be a decimal number');
        }
      }
    },
  };
}
