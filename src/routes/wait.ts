// GET /instances/{instanceId}/wait — long-poll until the instance finishes (taskhub's addition).

import { Type } from '@sinclair/typebox';
import { CHECK_STATUS_HEADERS, CheckStatusPayload, ref } from '../schemas/shared.js';
import { instanceParams, waitQuery } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { answerWait, waitSeconds } from './wait-answer.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

export const WAIT_DESCRIPTION =
  'Answers as soon as the instance finishes: 200 with the output when Completed, 200 with the status ' +
  'object when Failed/Terminated/Canceled; 202 check-status payload (Location, Retry-After: 10) when ' +
  'it is still running at the timeout (default 10 s).';

export function registerWait(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/instances/:instanceId/wait',
    {
      schema: scoped(scope, {
        operationId: 'waitForInstance',
        tags: ['instances'],
        summary: 'Wait for an instance to finish',
        description: WAIT_DESCRIPTION,
        params: instanceParams,
        querystring: waitQuery,
        response: {
          200: Type.Unknown({ description: 'Finished: the output (Completed) or the status object.' }),
          202: ref(CheckStatusPayload, 'Still running at the timeout.', CHECK_STATUS_HEADERS),
          ...hubErrors(),
        },
      }),
    },
    async (request, reply) => {
      const { query } = request;
      const wait = waitSeconds(query.timeout ?? 10, query.retryInterval, 'retryInterval');
      const hub = hubOf(deps.config, query);
      // Unknown instances are a 404 before any waiting.
      return answerWait(reply, request, deps, hub, request.params.instanceId, wait, query);
    },
  );
}
