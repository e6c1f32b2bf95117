// POST /cleanEntityStorage — taskhub's route for the client's CleanEntityStorageAsync (the
// extension has no HTTP route for it): removes deleted, idle entities and releases locks held by
// orchestrations that are no longer running. Answers the counts.

import { Type } from '@sinclair/typebox';
import { CleanEntityStorageResult } from '../../schemas/entities.js';
import { query } from '../../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from '../route-context.js';
import { hubErrors, scoped, type SchemaScope } from '../route-schema.js';

const flag = (description: string) =>
  Type.Optional(Type.Boolean({ default: true, description: `${description} (true/false in any letter case).` }));

export function registerCleanEntityStorage(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.post(
    '/cleanEntityStorage',
    {
      schema: scoped(scope, {
        operationId: 'cleanEntityStorage',
        tags: ['entities'],
        summary: 'Clean entity storage',
        description: "taskhub's addition, the HTTP face of the client's CleanEntityStorageAsync.",
        querystring: query({
          removeEmptyEntities: flag('Purge entities that are deleted, idle and unlocked'),
          releaseOrphanedLocks: flag('Release locks whose owning orchestration is no longer running'),
        }),
        response: { 200: CleanEntityStorageResult, ...hubErrors() },
      }),
    },
    async (request, reply) => {
      const { query: q } = request;
      const result = await deps.service.cleanEntityStorage(hubOf(deps.config, q), {
        removeEmptyEntities: q.removeEmptyEntities !== false,
        releaseOrphanedLocks: q.releaseOrphanedLocks !== false,
      });
      return reply.code(200).send(result);
    },
  );
}
