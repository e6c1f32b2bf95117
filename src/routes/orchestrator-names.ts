// GET /orchestrators — the orchestrator names the in-process worker has registered, so a client can
// offer them when starting an instance (taskhub addition).

import { query } from '../schemas/queries.js';
import { OrchestratorNames, ref } from '../schemas/shared.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { errors, scoped, type SchemaScope } from './route-schema.js';

export function registerOrchestratorNames(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/orchestrators',
    {
      schema: scoped(scope, {
        operationId: 'listOrchestratorNames',
        tags: ['taskhub'],
        summary: 'Registered orchestrator names',
        description:
          'taskhub addition. Names from the in-process worker when it serves the addressed task hub; ' +
          'otherwise `known` is false and the list is empty (any name may still be started).',
        querystring: query({}),
        response: { 200: ref(OrchestratorNames), ...errors() },
      }),
    },
    async (request, reply) => {
      const names = deps.service.orchestratorNames(hubOf(deps.config, request.query));
      return reply.code(200).send({ known: names !== undefined, names: [...(names ?? [])].sort() });
    },
  );
}
