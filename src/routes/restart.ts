// POST /instances/{instanceId}/restart — start a finished instance's orchestrator again.

import { Type } from '@sinclair/typebox';
import { CHECK_STATUS_HEADERS, CheckStatusPayload, ref } from '../schemas/shared.js';
import { instanceParams, restartQuery } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { sendCheckStatus } from './status-answers.js';
import { answerWait, optionalWait } from './wait-answer.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export function registerRestart(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.post(
    '/instances/:instanceId/restart',
    {
      schema: scoped(scope, {
        operationId: 'restartInstance',
        tags: ['instances'],
        summary: 'Restart an instance',
        description:
          'Starts the same orchestrator with the same version and input, under a new instance ID unless ' +
          'restartWithNewInstanceId=false (then 409 while the instance is still active). Optional ' +
          'timeout/pollingInterval wait as on start.',
        params: instanceParams,
        querystring: restartQuery,
        response: {
          200: Type.Unknown({ description: 'Wait finished: the output (Completed) or the status object.' }),
          202: ref(CheckStatusPayload, 'Restarted; the payload names the new instance.', CHECK_STATUS_HEADERS),
          ...hubErrors(409),
        },
      }),
    },
    async (request, reply) => {
      const { query } = request;
      const wait = optionalWait(query.timeout, query.pollingInterval, 'pollingInterval');
      const hub = hubOf(deps.config, query);
      const { instanceId } = await deps.service.restart(hub, request.params.instanceId, {
        restartWithNewInstanceId: query.restartWithNewInstanceId,
      });
      if (!wait) return sendCheckStatus(reply, request, deps, hub, instanceId);
      return answerWait(reply, request, deps, hub, instanceId, wait, query);
    },
  );
}
