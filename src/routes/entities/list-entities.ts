// GET /entities and GET /entities/{entityName} — one page of entities.

import { Type } from '@sinclair/typebox';
import { ref } from '../../schemas/shared.js';
import { EntityStatus } from '../../schemas/entities.js';
import { continuationHeader, entityListQuery, entityNameParams } from '../../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from '../route-context.js';
import { parseDate } from '../query-values.js';
import { hubErrors, scoped, type SchemaScope } from '../route-schema.js';

const DESCRIPTION =
  'One page of at most `top` existing entities (a page may be shorter, even empty, and still have a next ' +
  'page). Response header x-ms-continuation-token is empty on the last page; send it back as a request header.';

export function registerListEntities(app: App, deps: RouteDeps, scope: SchemaScope): void {
  for (const named of [false, true]) {
    app.get(
      named ? '/entities/:entityName' : '/entities',
      {
        schema: scoped(scope, {
          operationId: named ? 'listEntitiesByName' : 'listEntities',
          tags: ['entities'],
          summary: named ? 'List the entities of one name' : 'List entities',
          description: DESCRIPTION,
          ...(named ? { params: entityNameParams } : {}),
          querystring: entityListQuery,
          headers: continuationHeader,
          response: {
            200: Type.Array(ref(EntityStatus), {
              headers: { 'x-ms-continuation-token': { type: 'string', description: 'Token of the next page; empty on the last page.' } },
            }),
            ...hubErrors(),
          },
        }),
      },
      async (request, reply) => {
        const { query } = request;
        const name = named ? (request.params as { entityName: string }).entityName : undefined;
        const page = await deps.service.listEntities(
          hubOf(deps.config, query),
          {
            name,
            lastOperationTimeFrom: parseDate('lastOperationTimeFrom', query.lastOperationTimeFrom),
            lastOperationTimeTo: parseDate('lastOperationTimeTo', query.lastOperationTimeTo),
            fetchState: query.fetchState,
          },
          { top: query.top, continuationToken: request.headers['x-ms-continuation-token'] || undefined },
        );
        reply.header('x-ms-continuation-token', page.continuationToken ?? '');
        return reply.code(200).send(page.entities);
      },
    );
  }
}
