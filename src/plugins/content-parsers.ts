// Bodies are read as raw text for every content type; routes decide what they accept.
// Fastify's JSON parser would refuse the empty bodies that the real durable-functions client
// sends with `Content-Type: application/json` on terminate/suspend/resume/rewind/raiseEvent.

import type { FastifyInstance } from 'fastify';

export function installRawBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
