// POST /instances/batch — one operation over instance ids, or over everything matching a filter
// (taskhub addition). A filter batch answers 200 with a plan (count + confirm token) until the
// token is echoed; then, like an id batch, 202 with the job and Location to follow it.

import { BatchPlanSchema, BatchProgressSchema, BatchRequestBody } from '../schemas/batch.js';
import { query } from '../schemas/queries.js';
import { ref } from '../schemas/shared.js';
import type { BatchRequest } from '../services/batch/batch-contract.js';
import { BATCH_CONCURRENCY } from '../services/batch/batch-runner.js';
import { parseLosslessJson } from '../services/lossless-json.js';
import { hubOf, publicOrigin, type App, type RouteDeps } from './route-context.js';
import { parseJsonBody } from './json-body.js';
import { parseFilter } from './query-values.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

/** The member of a batch request that carries a caller's payload (raiseEvent's data). */
const BATCH_PAYLOAD_MEMBERS: ReadonlySet<string> = new Set(['eventData']);

export function registerBatchStart(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.post(
    '/instances/batch',
    {
      schema: scoped(scope, {
        operationId: 'startBatch',
        tags: ['instances'],
        summary: 'Run an operation over many instances',
        description:
          'taskhub addition. Operations: terminate, suspend, resume, rewind, restart, raiseEvent, purge. With `instanceIds` ' +
          'the batch starts at once (202). With `filter` the first call only plans: 200 with the number of matching ' +
          'instances and a `confirm` token (15 minutes); the same request with `confirm` runs exactly those instances ' +
          `(at most 10,000). ${BATCH_CONCURRENCY} instances are processed at a time; instances that need nothing (already finished, ` +
          'already suspended, not failed, already purged) are skipped, so a retry is harmless. Jobs and tokens live in ' +
          'this server process only; follow a job with GET /batches/{batchId}.',
        querystring: query({}),
        body: ref(BatchRequestBody),
        response: {
          200: ref(BatchPlanSchema, 'A filter batch planned, not run.'),
          202: ref(BatchProgressSchema, 'The batch started.', { Location: { type: 'string', description: 'GET here for progress.' } }),
          ...hubErrors(),
        },
      }),
      // Bodies arrive as raw text (see content-parsers.ts); parsed here so the schema validates the JSON.
      preValidation: (request, _reply, done) => {
        const json = parseJsonBody(request.body);
        // The schema checks it right after this hook.
        // eventData stays the caller's JSON text (JSON.parse would round 12345678901234567890 and turn 1.0 into 1).
        request.body = (json ? parseLosslessJson(json.text, BATCH_PAYLOAD_MEMBERS) : {}) as typeof request.body;
        done();
      },
    },
    async (request, reply) => {
      const { body } = request;
      const hub = hubOf(deps.config, request.query);
      const filter = body.filter ? parseFilter({ ...body.filter, runtimeStatus: body.filter.runtimeStatus?.join(',') }) : undefined;
      const batchRequest: BatchRequest = { ...body, filter };
      if (filter && !body.confirm) return reply.code(200).send(await deps.batches.plan(hub, batchRequest));
      const progress = await deps.batches.start(hub, batchRequest);
      const location = `${publicOrigin(request, deps.config)}${request.url.replace(/\/instances\/batch(\?.*)?$/i, `/batches/${progress.id}$1`)}`;
      return reply.code(202).header('location', location).send(progress);
    },
  );
}
