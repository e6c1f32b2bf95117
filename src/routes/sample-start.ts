// The Durable Functions docs' sample HTTP starters, served at the server root:
// POST /orchestrators/{functionName} (HttpStart) and
// POST /orchestrators/{functionName}/wait?timeout=&retryInterval= (HttpSyncStart).

import { Type } from '@sinclair/typebox';
import { CHECK_STATUS_HEADERS, CheckStatusPayload, ref } from '../schemas/shared.js';
import { anyJsonBody, query, statusFlags } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { sendCheckStatus } from './status-answers.js';
import { readJsonBody } from './json-body.js';
import { answerWait, waitSeconds } from './wait-answer.js';
import { hubErrors } from './route-schema.js';
import { WAIT_DESCRIPTION } from './wait.js';

const params = Type.Object({ functionName: Type.String({ description: 'Orchestrator function name.' }) });

const syncQuery = query({
  ...statusFlags,
  timeout: Type.Optional(Type.Number({ minimum: 0, maximum: 3600, default: 10, description: 'Seconds to wait; default 10.' })),
  retryInterval: Type.Optional(
    Type.Number({ minimum: 0, maximum: 3600, description: 'Seconds between status checks; default 1 (or timeout when smaller).' }),
  ),
});

export function registerSampleStarters(app: App, deps: RouteDeps): void {
  app.post(
    '/orchestrators/:functionName',
    {
      schema: {
        operationId: 'sampleHttpStart',
        tags: ['orchestrations'],
        summary: 'Start an orchestration (docs sample HttpStart)',
        description: 'Like the webhook start route, with a generated instance ID.',
        params,
        querystring: query({}),
        body: anyJsonBody,
        response: { 202: ref(CheckStatusPayload, 'Started.', CHECK_STATUS_HEADERS), ...hubErrors() },
      },
    },
    async (request, reply) => {
      const input = await readJsonBody(request.body);
      const hub = hubOf(deps.config, request.query);
      const { instanceId } = await deps.service.start(hub, { name: request.params.functionName, input });
      return sendCheckStatus(reply, request, deps, hub, instanceId);
    },
  );

  app.post(
    '/orchestrators/:functionName/wait',
    {
      schema: {
        operationId: 'sampleHttpSyncStart',
        tags: ['orchestrations'],
        summary: 'Start an orchestration and wait (docs sample HttpSyncStart)',
        description: WAIT_DESCRIPTION,
        params,
        querystring: syncQuery,
        body: anyJsonBody,
        response: {
          200: Type.Unknown({ description: 'Finished: the output (Completed) or the status object.' }),
          202: ref(CheckStatusPayload, 'Still running at the timeout.', CHECK_STATUS_HEADERS),
          ...hubErrors(),
        },
      },
    },
    async (request, reply) => {
      const { query: q } = request;
      const wait = waitSeconds(q.timeout ?? 10, q.retryInterval, 'retryInterval');
      const input = await readJsonBody(request.body);
      const hub = hubOf(deps.config, q);
      const { instanceId } = await deps.service.start(hub, { name: request.params.functionName, input });
      return answerWait(reply, request, deps, hub, instanceId, wait, q);
    },
  );
}
