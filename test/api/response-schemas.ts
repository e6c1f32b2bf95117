// Checks an answer against the response schema its route declares: the same TypeBox objects that
// the routes register and the OpenAPI document is generated from, so a body and its documented
// shape cannot drift apart unnoticed. The API suites run every injected answer through it
// (createTestApp in helpers.ts).

import { TypeRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import Fastify, { type RouteOptions } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { registerRoutes } from '../../src/routes/index.js';
import type { App, RouteDeps } from '../../src/routes/route-context.js';
import { BATCH_SCHEMAS } from '../../src/schemas/batch.js';
import { ErrorResponse, SHARED_SCHEMAS } from '../../src/schemas/shared.js';

const REFERENCES: TSchema[] = [...SHARED_SCHEMAS, ...BATCH_SCHEMAS];

/**
 * Error statuses any route may answer without listing them: 403 (a read-only key on a change), 413
 * and 415 (bodies the parser refuses before the route runs), 500 (an internal error). Their
 * bodies are still checked against ErrorResponse.
 */
const UNLISTED_ERRORS = new Set([403, 413, 415, 500]);

// Type.Unsafe schemas hold plain JSON Schema (string enums, the empty 202 body): check the keywords
// they use, and refuse any other shape so that no schema is silently accepted.
if (!TypeRegistry.Has('Unsafe')) {
  TypeRegistry.Set('Unsafe', (schema, value) => {
    const plain = schema as { type?: unknown; enum?: unknown[] };
    if (plain.enum) return plain.enum.includes(value);
    if (plain.type === 'null') return value === null;
    if (plain.type === 'string') return typeof value === 'string';
    throw new Error(`response-schemas: no check for the Unsafe schema ${JSON.stringify(schema)}`);
  });
}

interface RouteResponses {
  url: string;
  responses: Record<string, TSchema>;
}

/**
 * The route table as the app registers it, with the same router options. Each route's handler is
 * swapped for one that names the route and its validation is dropped, so an injected request
 * (without query or body) says which route the app would run.
 */
async function routeTable() {
  const probe = Fastify({
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 3072 },
  });
  const routes: RouteResponses[] = [];
  probe.addHook('onRoute', (route: RouteOptions) => {
    const index = routes.push({ url: route.url, responses: (route.schema?.response ?? {}) as Record<string, TSchema> }) - 1;
    route.schema = undefined;
    route.handler = (_request, reply) => reply.send({ index });
  });
  // Registration only reads the deps inside handlers, which never run here.
  const deps = { config: loadConfig({}) } as RouteDeps;
  await registerRoutes(probe as unknown as App, deps);
  await probe.ready();
  return async (method: string, path: string): Promise<RouteResponses | undefined> => {
    const found = await probe.inject({ method: method as 'GET', url: path });
    return found.statusCode === 200 ? routes[found.json<{ index: number }>().index] : undefined;
  };
}

let table: ReturnType<typeof routeTable> | undefined;
const compiled = new Map<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema, REFERENCES)));
  return check;
}

export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** Throws when the answer's status is not one its route documents, or its body does not match. */
export async function assertDocumentedAnswer(method: string, url: string, answer: Answer): Promise<void> {
  const path = url.split('?')[0];
  const route = await (await (table ??= routeTable()))(method === 'HEAD' ? 'GET' : method, path);
  const where = `${method} ${path} answered ${answer.statusCode}`;
  let schema: TSchema | undefined;
  if (!route) {
    // Not a management route (metrics, the document, the dashboard): only its errors are checked.
    if (answer.statusCode < 400) return;
    schema = ErrorResponse;
  } else {
    schema = route.responses[answer.statusCode];
    if (!schema && !UNLISTED_ERRORS.has(answer.statusCode))
      throw new Error(`${where}, a status its route (${route.url}) does not document`);
    schema ??= ErrorResponse;
  }
  if (method === 'HEAD') return;
  const contentType = String(answer.headers['content-type'] ?? '');
  if ((schema as { type?: unknown }).type === 'null') {
    if (answer.body !== '') throw new Error(`${where} with a body where its route documents none: ${answer.body.slice(0, 200)}`);
    return;
  }
  if (!contentType.startsWith('application/json')) throw new Error(`${where} with ${contentType || 'no content type'}, not JSON`);
  const body: unknown = JSON.parse(answer.body);
  const check = checker(schema);
  if (!check.Check(body)) {
    const problems = [...check.Errors(body)].slice(0, 3).map((e) => `${e.path || '/'}: ${e.message}`);
    throw new Error(`${where} with a body that does not match its schema (${problems.join('; ')}): ${answer.body.slice(0, 300)}`);
  }
}
