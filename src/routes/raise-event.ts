// POST /instances/{instanceId}/raiseEvent/{eventName} — send an external event.

import { DomainError } from '../domain/index.js';
import { anyJsonBody, query, raiseEventParams } from '../schemas/queries.js';
import { hubOf, parseJsonBody, type App, type RouteDeps } from './http-support.js';
import { accepted, errors, scoped, type SchemaScope } from './route-schema.js';

const isJsonMediaType = (contentType: string | undefined) =>
  contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

export function registerRaiseEvent(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.post(
    '/instances/:instanceId/raiseEvent/:eventName',
    {
      schema: scoped(scope, {
        operationId: 'raiseEvent',
        tags: ['instances'],
        summary: 'Raise an event',
        description: 'The body is the event data and must be JSON (Content-Type: application/json, not empty).',
        params: raiseEventParams,
        querystring: query({}),
        body: anyJsonBody,
        response: { 202: accepted, ...errors(404, 410, 413) },
      }),
    },
    async (request, reply) => {
      if (!isJsonMediaType(request.headers['content-type'])) {
        throw new DomainError('BadRequest', 'The event data must be sent with Content-Type: application/json.');
      }
      const data = parseJsonBody(request.body);
      if (data === undefined) throw new DomainError('InvalidJson', 'The event data must be a JSON value; the body is empty.');
      const { instanceId, eventName } = request.params;
      await deps.service.raiseEvent(hubOf(deps.config, request.query), instanceId, eventName, data);
      return reply.code(202).send(undefined);
    },
  );
}
