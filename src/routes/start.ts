// POST /orchestrators/{functionName}[/{instanceId}] — start an orchestration (optionally wait).

import { Type } from '@sinclair/typebox';
import { CHECK_STATUS_HEADERS, CheckStatusPayload, ref } from '../schemas/shared.js';
import { anyJsonBody, startParams, startQuery } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { sendCheckStatus } from './status-answers.js';
import { readJsonBody } from './json-body.js';
import { answerWait, optionalWait } from './wait-answer.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

const DESCRIPTION =
  'The body (any content type) is the input JSON; an empty body means no input. With `timeout` ' +
  '(and optionally `pollingInterval`, default 1 s) the call waits: 200 with the output when Completed, ' +
  '200 with the status object when Failed/Terminated/Canceled, else 202 check-status.';

export function registerStart(app: App, deps: RouteDeps, scope: SchemaScope): void {
  // Two routes rather than an optional parameter, so the OpenAPI document has plain paths.
  for (const [path, operationId, summary] of [
    ['/orchestrators/:functionName', 'startOrchestration', 'Start an orchestration'],
    ['/orchestrators/:functionName/:instanceId', 'startOrchestrationWithId', 'Start an orchestration with a given instance ID'],
  ] as const) {
    app.post(
      path,
      {
        schema: scoped(scope, {
          operationId,
          tags: ['orchestrations'],
          summary,
          description: DESCRIPTION,
          params: startParams,
          querystring: startQuery,
          body: anyJsonBody,
          response: {
            200: Type.Unknown({ description: 'Start-and-wait finished: the output (Completed) or the status object.' }),
            202: ref(CheckStatusPayload, 'Started; poll statusQueryGetUri (Location).', CHECK_STATUS_HEADERS),
            ...hubErrors(409, 413),
          },
        }),
      },
      async (request, reply) => {
        const { query, params } = request;
        // Validate everything before anything is created.
        const wait = optionalWait(query.timeout, query.pollingInterval, 'pollingInterval');
        const input = await readJsonBody(request.body);
        const hub = hubOf(deps.config, query);
        const { instanceId } = await deps.service.start(hub, {
          name: params.functionName,
          instanceId: params.instanceId,
          input,
          version: query.version,
        });
        if (!wait) return sendCheckStatus(reply, request, deps, hub, instanceId);
        return answerWait(reply, request, deps, hub, instanceId, wait, query);
      },
    );
  }
}
