// Query parameter names are case-insensitive in the Durable Functions API (`showhistory` =
// `showHistory`). This parser maps every name onto the spelling used in the route schemas, so
// validation, OpenAPI and handlers only ever see one spelling. Boolean values are lower-cased
// (.NET accepts `True`), and repeated names are comma-joined as the extension does.

import type { RouteOptions } from 'fastify';

interface QuerySchema {
  properties?: Record<string, { type?: unknown }>;
}

export interface QueryNames {
  /** Learns the canonical names of a route's querystring schema (call from an onRoute hook). */
  learn(route: RouteOptions): void;
  parse(text: string): Record<string, string>;
}

export function createQueryNames(): QueryNames {
  const canonical = new Map<string, string>();
  const booleans = new Set<string>();

  return {
    learn(route) {
      const schema = route.schema?.querystring as QuerySchema | undefined;
      for (const [name, property] of Object.entries(schema?.properties ?? {})) {
        canonical.set(name.toLowerCase(), name);
        if (property.type === 'boolean') booleans.add(name);
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
  };
}
