// Log serializers that never print secrets: Fastify's default request log includes the full URL,
// and with it `?code=<system key>`; storage errors may quote connection-string parts.

import { randomUUID } from 'node:crypto';
import { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type FastifyReply } from 'fastify';
import type { LoggerOptions } from 'pino';

const REDACTED = '[REDACTED]';

/** The name as the query parser reads it: `+` is a space, percent-escapes decoded, then trimmed. */
function decodedName(raw: string): string {
  const [name] = new URLSearchParams(`${raw}=`).keys();
  return (name ?? '').trim().toLowerCase();
}

/**
 * Replaces the value of every parameter whose decoded name is `code` (any letter case, `%63ode`,
 * `+code`, `Code%20`...), whether or not that spelling authenticates, and after `#` or `;` too.
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&;#])([^?&;#=\s]*)=([^?&;#\s]*)/g, (whole, separator: string, name: string) =>
    decodedName(name) === 'code' ? `${separator}${name}=${REDACTED}` : whole,
  );
}

/** Removes keys, SAS signatures and `code=` values from free text such as error messages. */
export function redactSecrets(text: string): string {
  return redactUrl(text)
    .replace(/(AccountKey=)[^;\s"']*/gi, `$1${REDACTED}`)
    .replace(/(SharedAccessSignature=)[^;\s"']*/gi, `$1${REDACTED}`)
    .replace(/([?&]sig=)[^&\s"']*/gi, `$1${REDACTED}`);
}

// Arrow functions: pino calls serializers detached from this object.
export const logSerializers = {
  req: (request: FastifyRequest) => ({
    method: request.method,
    url: redactUrl(request.url),
    remoteAddress: request.ip,
  }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
  err: (error: Error & { code?: unknown; statusCode?: unknown; detail?: unknown }) => ({
    type: error.name,
    code: error.code,
    message: redactSecrets(String(error.message)),
    ...(typeof error.detail === 'string' ? { detail: redactSecrets(error.detail) } : {}),
    stack: error.stack ? redactSecrets(error.stack) : undefined,
  }),
};

export type AppLogger = FastifyBaseLogger | LoggerOptions;

export function isLoggerInstance(logger: AppLogger): logger is FastifyBaseLogger {
  return typeof (logger as FastifyBaseLogger).child === 'function' && typeof (logger as FastifyBaseLogger).info === 'function';
}

/**
 * One access-log line per request, written when the response is done: method, redacted URL, caller,
 * status and time together, under the request's id. Fastify's default is a second line on arrival;
 * that one is kept at debug level (LOG_LEVEL=debug shows requests still in progress, such as long
 * polls). Formatting and writing the arrival line was most of the logging's share of a GET status's
 * CPU (`npm run bench:api -- --profile`).
 */
class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}

/**
 * A request whose caller left before it was answered (a long poll given up, a proxy's timeout)
 * never completes, so the access log would have no line for it: it gets one when the connection
 * closes.
 */
export function logAbandonedRequests(app: FastifyInstance): void {
  app.addHook('onRequestAbort', (request, done) => {
    request.log.info({ req: request }, 'request abandoned: the client closed the connection before the answer');
    done();
  });
}

/** Fastify logger options: our serializers on a given instance or on new pino options. */
export function fastifyLoggerOptions(
  logger: AppLogger | false | undefined,
): ({ loggerInstance: FastifyBaseLogger } | { logger: LoggerOptions | false }) & { logController?: LogController } {
  if (!logger) return { logger: false };
  const logController = new AccessLog();
  if (isLoggerInstance(logger)) return { loggerInstance: logger.child({}, { serializers: logSerializers }), logController };
  return { logger: { ...logger, serializers: { ...logger.serializers, ...logSerializers } }, logController };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids for the log lines of a request (`reqId` on each): the caller's `x-request-id` when it
 * is a plain token (a proxy's or a client's trace id), else a fresh UUID. Never echoes arbitrary
 * text into logs.
 */
export function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}
