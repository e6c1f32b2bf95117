// GET /instances/counts — instances per runtime status for the list's filter (taskhub addition).
// Registered as a static route, so it wins over GET /instances/{instanceId} for the id "counts".

import { countsQuery } from '../schemas/queries.js';
import { ref, StatusCounts } from '../schemas/shared.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { parseFilter } from './query-values.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export function registerCounts(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/instances/counts',
    {
      schema: scoped(scope, {
        operationId: 'countInstances',
        tags: ['instances'],
        summary: 'Count instances per runtime status',
        description:
          'taskhub addition. Takes the same filter as the list; scans only the RuntimeStatus column of ' +
          'the matching rows (no inputs or outputs are read). Every status is present, 0 when none match.',
        querystring: countsQuery,
        response: { 200: ref(StatusCounts), ...hubErrors() },
      }),
    },
    async (request, reply) => {
      const abort = new AbortController();
      reply.raw.once('close', () => abort.abort());
      const counts = await deps.service.count(hubOf(deps.config, request.query), parseFilter(request.query), {
        abortSignal: abort.signal,
      });
      return reply.code(200).send(counts);
    },
  );
}
