// POST /entities/{entityName}/{entityKey}?op=... — signal an operation; DELETE — signal `delete`.
// Both answer 202 at once; the worker (or a Functions app on the same hub) runs the operation.
// Without a key the empty key is addressed, as the extension's optional route segment does.

import { DomainError } from '../../domain/index.js';
import { anyJsonBody, entityNameParams, entityOperationQuery, entityParams, query } from '../../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from '../route-context.js';
import { LargeBody } from '../../payloads/large-body.js';
import { parseJsonBody, readJsonBody } from '../json-body.js';
import { accepted, errors, hubErrors, scoped, type SchemaScope } from '../route-schema.js';

const isJsonMediaType = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

/** application/json bodies are parsed (400 when invalid); any other body is passed on as a string. */
async function operationInput(body: unknown, contentType: string | undefined): Promise<unknown> {
  // The raw-body parser hands every body over as text, a large one as bytes (content-parsers.ts).
  if (body instanceof LargeBody) return isJsonMediaType(contentType) ? readJsonBody(body) : body.text();
  const text = typeof body === 'string' ? body : '';
  if (text.length === 0) return undefined;
  if (isJsonMediaType(contentType)) return parseJsonBody(text);
  return text;
}

const DESCRIPTION =
  'Signals the entity (one-way); 202 with no body. A body with Content-Type application/json is the ' +
  'operation input (invalid JSON is 400); any other body is passed as a string. Key `$` is the empty key.';

export function registerSignalEntity(app: App, deps: RouteDeps, scope: SchemaScope): void {
  for (const withKey of [true, false]) {
    const path = withKey ? '/entities/:entityName/:entityKey' : '/entities/:entityName';
    const params = withKey ? entityParams : entityNameParams;
    const suffix = withKey ? '' : 'EmptyKey';
    const key = (p: { entityKey?: string }) => p.entityKey ?? '';
    app.post(
      path,
      {
        schema: scoped(withKey ? scope : { hidden: true }, {
          operationId: `signalEntity${suffix}`,
          tags: ['entities'],
          summary: 'Signal an entity operation',
          description: DESCRIPTION,
          params,
          querystring: entityOperationQuery,
          body: anyJsonBody,
          response: { 202: accepted, ...hubErrors(413) },
        }),
      },
      async (request, reply) => {
        const { query: q } = request;
        const input = await operationInput(request.body, request.headers['content-type']);
        const p = request.params as { entityName: string; entityKey?: string };
        await deps.service.signalEntity(hubOf(deps.config, q), p.entityName, key(p), { operation: q.op ?? '', input });
        return reply.code(202).send(undefined);
      },
    );
    app.delete(
      path,
      {
        schema: scoped(withKey ? scope : { hidden: true }, {
          operationId: `deleteEntity${suffix}`,
          tags: ['entities'],
          summary: 'Delete an entity (signals the `delete` operation)',
          description: 'Signals the operation `delete`; 202 with no body. The entity is gone once the operation has run.',
          params,
          querystring: query({}),
          response: { 202: accepted, ...hubErrors() },
        }),
      },
      async (request, reply) => {
        const p = request.params as { entityName: string; entityKey?: string };
        await deps.service.signalEntity(hubOf(deps.config, request.query), p.entityName, key(p), { operation: 'delete' });
        return reply.code(202).send(undefined);
      },
    );
  }
  // The extension matches `entities/{name?}/{key?}` for POST and DELETE too; without a name the id is invalid.
  for (const method of ['POST', 'DELETE'] as const) {
    app.route({
      method,
      url: '/entities',
      schema: { hide: true, querystring: query({}), response: errors() },
      handler: () => {
        throw new DomainError('BadRequest', `An entity name is required: ${method} {base}/entities/{entityName}/{entityKey}.`);
      },
    });
  }
}
