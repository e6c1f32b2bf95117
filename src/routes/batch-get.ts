// GET /batches/{batchId} — a batch job's counts and outcomes so far (taskhub addition).

import { BatchProgressSchema } from '../schemas/batch.js';
import { Type } from '@sinclair/typebox';
import { query } from '../schemas/queries.js';
import { ref } from '../schemas/shared.js';
import type { App, RouteDeps } from './route-context.js';
import { errors, scoped, type SchemaScope } from './route-schema.js';

export function registerBatchGet(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.get(
    '/batches/:batchId',
    {
      schema: scoped(scope, {
        operationId: 'getBatch',
        tags: ['instances'],
        summary: 'Progress of a batch',
        description:
          'taskhub addition. Counts and per-instance outcomes; `from` skips outcomes already seen, so polling stays ' +
          'cheap. Batches are kept in memory by the server process that runs them, for an hour after they finish.',
        params: Type.Object({ batchId: Type.String() }),
        querystring: query({
          from: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'First outcome index to return.' })),
        }),
        response: { 200: ref(BatchProgressSchema), ...errors(404) },
      }),
    },
    async (request, reply) => reply.code(200).send(deps.batches.get(request.params.batchId, request.query.from)),
  );
}
