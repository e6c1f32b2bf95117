// GET /instances — list instances by filter, one page at a time.

import { Type } from '@sinclair/typebox';
import { OrchestrationStatus, ref } from '../schemas/shared.js';
import { continuationHeader, listQuery } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { parseFilter } from './query-values.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export function registerList(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/instances',
    {
      schema: scoped(scope, {
        operationId: 'listInstances',
        tags: ['instances'],
        summary: 'List instances',
        description:
          'One page of at most `top` instances (a page may be shorter, even empty, and still have a ' +
          'next page). Response header x-ms-continuation-token is empty on the last page; send it back ' +
          'as a request header for the next page.',
        querystring: listQuery,
        headers: continuationHeader,
        response: {
          200: Type.Array(ref(OrchestrationStatus), {
            description: 'Status objects (no history).',
            headers: {
              'x-ms-continuation-token': { type: 'string', description: 'Token of the next page; empty on the last page.' },
            },
          }),
          ...hubErrors(),
        },
      }),
    },
    async (request, reply) => {
      const { query } = request;
      const filter = { ...parseFilter(query), showInput: query.showInput };
      const page = await deps.service.list(hubOf(deps.config, query), filter, {
        top: query.top,
        continuationToken: request.headers['x-ms-continuation-token'] || undefined,
      });
      reply.header('x-ms-continuation-token', page.continuationToken ?? '');
      return reply.code(200).send(page.instances);
    },
  );
}
