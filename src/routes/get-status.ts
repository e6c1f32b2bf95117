// GET /instances/{instanceId} — the status object.

import { OrchestrationStatus, RUNNING_STATUS_HEADERS, ref } from '../schemas/shared.js';
import { getStatusQuery, instanceParams } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { sendStatus } from './status-answers.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export function registerGetStatus(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/instances/:instanceId',
    {
      schema: scoped(scope, {
        operationId: 'getInstanceStatus',
        tags: ['instances'],
        summary: 'Get the status of an instance',
        description:
          '200 for finished instances; 202 (Location = this URL, Retry-After: 5) while Pending, Running, ' +
          'ContinuedAsNew or Suspended; 500 for Failed when returnInternalServerErrorOnFailure=true, and for a ' +
          'stored status this server does not know (runtimeStatus Unknown).',
        params: instanceParams,
        querystring: getStatusQuery,
        response: {
          200: ref(OrchestrationStatus, 'Finished instance.'),
          202: ref(OrchestrationStatus, 'Instance not finished yet.', RUNNING_STATUS_HEADERS),
          500: ref(OrchestrationStatus, 'Failed instance with returnInternalServerErrorOnFailure=true, or runtimeStatus Unknown.'),
          ...hubErrors(),
        },
      }),
    },
    async (request, reply) => {
      const { query } = request;
      const status = await deps.service.getStatus(hubOf(deps.config, query), request.params.instanceId, {
        showInput: query.showInput,
        showHistory: query.showHistory,
        showHistoryOutput: query.showHistoryOutput,
      });
      return sendStatus(reply, request, deps, status, query.returnInternalServerErrorOnFailure);
    },
  );
}
