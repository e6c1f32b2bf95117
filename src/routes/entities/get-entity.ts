// GET /entities/{entityName}/{entityKey} — the entity's state, or 404 when it does not exist.

import { entityParams, query } from '../../schemas/queries.js';
import { stringifyJson } from '../../services/json-text.js';
import { EntityState } from '../../schemas/entities.js';
import { hubOf, type App, type RouteDeps } from '../route-context.js';
import { JSON_TYPE } from '../status-answers.js';
import { hubErrors, scoped, type SchemaScope } from '../route-schema.js';

export function registerGetEntity(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/entities/:entityName/:entityKey',
    {
      schema: scoped(scope, {
        operationId: 'getEntityState',
        tags: ['entities'],
        summary: 'Read the state of an entity',
        description: 'The body is the entity state JSON. 404 when the entity never existed or was deleted. Key `$` is the empty key.',
        params: entityParams,
        querystring: query({}),
        response: { 200: EntityState, ...hubErrors() },
      }),
    },
    async (request, reply) => {
      const { entityName, entityKey } = request.params;
      const state = await deps.service.getEntity(hubOf(deps.config, request.query), entityName, entityKey);
      return reply
        .code(200)
        .type(JSON_TYPE)
        .send(stringifyJson(state ?? null));
    },
  );
}
