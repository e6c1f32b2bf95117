// POST /instances/{instanceId}/raiseEvent/{eventName} — send an external event.

import { DomainError, instanceGone, isTerminal } from '../domain/index.js';
import type { JsonText } from '../services/json-text.js';
import { anyJsonBody, query, raiseEventParams } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { readJsonBody } from './json-body.js';
import { accepted, hubErrors, scoped, type SchemaScope } from './route-schema.js';

const isJsonMediaType = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

async function eventData(contentType: string | undefined, body: unknown): Promise<JsonText> {
  if (!isJsonMediaType(contentType)) {
    throw new DomainError('BadRequest', 'The event data must be sent with Content-Type: application/json.');
  }
  const data = await readJsonBody(body);
  if (data === undefined) throw new DomainError('InvalidJson', 'The event data must be a JSON value; the body is empty.');
  return data;
}

/** Optional `Idempotency-Key` header: 1-200 visible ASCII characters. */
function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header[0] : header;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new DomainError('BadRequest', 'The Idempotency-Key header must be 1 to 200 visible ASCII characters.');
  }
  return key;
}

export function registerRaiseEvent(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.post(
    '/instances/:instanceId/raiseEvent/:eventName',
    {
      schema: scoped(scope, {
        operationId: 'raiseEvent',
        tags: ['instances'],
        summary: 'Raise an event',
        description:
          'The body is the event data and must be JSON (Content-Type: application/json, not empty); ' +
          'checked after the instance: 404 unknown, 410 finished, then 400. With an `Idempotency-Key` header ' +
          '(1-200 visible ASCII characters) a retried request with the same key and event name is applied once.',
        params: raiseEventParams,
        querystring: query({}),
        body: anyJsonBody,
        response: { 202: accepted, ...hubErrors(410, 413) },
      }),
    },
    async (request, reply) => {
      const { instanceId, eventName } = request.params;
      const hub = hubOf(deps.config, request.query);
      let data: JsonText | undefined;
      try {
        data = await eventData(request.headers['content-type'], request.body);
      } catch (problem) {
        // As the extension answers: an unknown instance is 404 and a finished one 410, whatever the body.
        const status = await deps.service.getStatus(hub, instanceId, { showInput: false });
        if (isTerminal(status.runtimeStatus)) throw instanceGone(instanceId, status.runtimeStatus);
        throw problem;
      }
      await deps.service.raiseEvent(hub, instanceId, eventName, data, {
        idempotencyKey: idempotencyKeyOf(request.headers['idempotency-key']),
      });
      return reply.code(202).send(undefined);
    },
  );
}
