// DELETE /instances/{instanceId} and DELETE /instances — purge one instance or many by filter.

import { PurgeResult, ref } from '../schemas/shared.js';
import { instanceParams, purgeByFilterQuery, query } from '../schemas/queries.js';
import { invalidQuery } from '../domain/index.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { parseDate, parseStatuses } from './query-values.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export function registerPurge(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.delete(
    '/instances/:instanceId',
    {
      schema: scoped(scope, {
        operationId: 'purgeInstance',
        tags: ['instances'],
        summary: 'Purge one instance',
        description: 'Deletes its history, its Instances row and its large-message blobs, whatever its status.',
        params: instanceParams,
        querystring: query({}),
        response: { 200: ref(PurgeResult, 'Purged.'), ...hubErrors() },
      }),
    },
    async (request, reply) => {
      const result = await deps.service.purge(hubOf(deps.config, request.query), request.params.instanceId);
      return reply.code(200).send(result);
    },
  );

  app.delete(
    '/instances',
    {
      schema: scoped(scope, {
        operationId: 'purgeInstances',
        tags: ['instances'],
        summary: 'Purge finished instances by filter',
        description:
          'createdTimeFrom is required. Only Completed, Failed, Terminated and Canceled instances are ' +
          'purged; naming any other status is a 400. 404 NothingToPurge when nothing matched.',
        querystring: purgeByFilterQuery,
        response: { 200: ref(PurgeResult, 'Purged.'), ...hubErrors() },
      }),
    },
    async (request, reply) => {
      const { query: q } = request;
      const createdTimeFrom = parseDate('createdTimeFrom', q.createdTimeFrom);
      if (!createdTimeFrom) throw invalidQuery('createdTimeFrom', 'is required to purge by filter');
      const result = await deps.service.purgeBy(hubOf(deps.config, q), {
        createdTimeFrom,
        createdTimeTo: parseDate('createdTimeTo', q.createdTimeTo),
        runtimeStatus: parseStatuses('runtimeStatus', q.runtimeStatus),
      });
      return reply.code(200).send(result);
    },
  );
}
