// Bodies are read as raw text for every content type; routes decide what they accept.
// Fastify's JSON parser would refuse the empty bodies that the real durable-functions client
// sends with `Content-Type: application/json` on terminate/suspend/resume/rewind/raiseEvent.
// A body larger than `largeBodyBytes` stays bytes (LargeBody): routes that take a payload decode
// and check it on the payload thread, so a megabyte body costs the event loop almost nothing.

import type { FastifyInstance } from 'fastify';
import { LargeBody } from '../payloads/large-body.js';

/** Past this, a body is not decoded on the event loop (TASKHUB_LARGE_BODY_BYTES). */
export const DEFAULT_LARGE_BODY_BYTES = 64 * 1024;

export function installRawBodyParser(app: FastifyInstance, options: { largeBodyBytes: number }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body: Buffer, done) =>
    done(null, body.length > options.largeBodyBytes ? new LargeBody(body) : body.toString('utf8')),
  );
}
