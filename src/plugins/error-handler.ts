// The ONLY place that maps errors to HTTP statuses. Every error answer is
// {"error":"<StableCode>","message":"..."}; 5xx answers never carry internals.

import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NETWORK_ERROR_CODES, storageUnavailable, type ErrorCode } from '../domain/index.js';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  BadRequest: 400,
  InvalidInstanceId: 400,
  InvalidJson: 400,
  InvalidQueryParameter: 400,
  UnknownOrchestrator: 400,
  UnknownEntity: 400,
  UnknownConnection: 400,
  InvalidTaskHubName: 400,
  Unauthorized: 401,
  Forbidden: 403,
  InstanceNotFound: 404,
  EntityNotFound: 404,
  TaskHubNotFound: 404,
  NothingToPurge: 404,
  BatchNotFound: 404,
  RouteNotFound: 404,
  InstanceStateConflict: 409,
  CheckpointConflict: 409,
  InstanceGone: 410,
  InstanceNotFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  StorageUnavailable: 503,
  InternalError: 500,
};

/** Seconds a client should wait before retrying while storage is unreachable. */
const STORAGE_RETRY_AFTER_IN_SECONDS = '5';

type AnyError = Error & { code?: unknown; statusCode?: unknown; validation?: unknown; cause?: unknown };

/**
 * Network failures below the SDK, anywhere in the cause chain. The store should already have
 * translated them; this is the safety net.
 */
function isNetworkError(error: AnyError): boolean {
  for (let e: AnyError | undefined = error, depth = 0; e && depth < 5; e = e.cause as AnyError | undefined, depth++) {
    if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isNetworkError(inner as AnyError))) return true;
  }
  return false;
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  const context = error.validationContext;
  if (!first) return error.message;
  const property = (first.params as { missingProperty?: string }).missingProperty ?? first.instancePath.replace(/^\//, '');
  const what = context === 'querystring' ? 'Query parameter' : context === 'params' ? 'Path segment' : 'Request field';
  return property
    ? `${what} '${property}' ${first.message ?? 'is invalid'}.`
    : `The request ${context ?? ''} ${first.message ?? 'is invalid'}.`;
}

/** Turns anything thrown into a DomainError whose message is safe to show. */
export function toDomainError(error: AnyError): DomainError {
  if (error instanceof DomainError) return error;
  const fastify = error as FastifyError;
  if (fastify.validation) {
    const code = fastify.validationContext === 'querystring' ? 'InvalidQueryParameter' : 'BadRequest';
    return new DomainError(code, validationMessage(fastify));
  }
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('PayloadTooLarge', 'The request body is larger than the configured limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError(fastify.statusCode === 415 ? 'UnsupportedMediaType' : 'BadRequest', fastify.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DomainError('InvalidJson', 'The request body is not valid JSON.');
  }
  if (isNetworkError(error)) return storageUnavailable();
  // A 4xx status is the caller's fault only from Fastify itself (FST_ codes) or from an http-errors
  // error marked safe to show (`expose`, as the static files under /docs throw). SDK errors carry
  // 4xx statuses too (a table that is gone is 404; a rotated identity secret is a 400 from Entra),
  // but their message is the service's raw answer: a server failure, never a 400 quoting it.
  const fromFastify = typeof fastify.code === 'string' && fastify.code.startsWith('FST_');
  const exposed = (error as { expose?: unknown }).expose === true;
  if ((fromFastify || exposed) && typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new DomainError(fastify.statusCode === 413 ? 'PayloadTooLarge' : 'BadRequest', fastify.message);
  }
  return new DomainError('InternalError', 'Something went wrong while processing the request.');
}

/** The HTTP status a domain error is answered with (500 for a code the table does not name). */
function httpStatusFor(error: DomainError): number {
  return STATUS_BY_CODE[error.code] ?? 500;
}

export function sendError(reply: FastifyReply, error: DomainError): FastifyReply {
  const status = httpStatusFor(error);
  if (status === 503) reply.header('retry-after', STORAGE_RETRY_AFTER_IN_SECONDS);
  return reply.code(status).type('application/json; charset=utf-8').send({ error: error.code, message: error.message });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: AnyError, request: FastifyRequest, reply: FastifyReply) => {
    // A client that hung up (mid-body, say) is no server failure and has no one to answer.
    if (request.raw.aborted || request.raw.socket?.destroyed) {
      request.log.info({ code: error.code }, 'client closed the connection before the answer');
      return reply.code(499).send();
    }
    const domain = toDomainError(error);
    const status = httpStatusFor(domain);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: domain.code }, 'request rejected');
    return sendError(reply, domain);
  });

  app.setNotFoundHandler((request, reply) => {
    // No request text at all: a path may carry a key after `#` or `;`, or as a segment.
    return sendError(reply, new DomainError('RouteNotFound', `No route matches this ${request.method} request.`));
  });
}

/** For Fastify's `frameworkErrors` option: errors raised before routing (bad percent-encoding). */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const domain =
    error.code === 'FST_ERR_BAD_URL' ? new DomainError('BadRequest', 'The URL is not valid (bad percent-encoding).') : toDomainError(error);
  request.log.info({ code: domain.code }, 'request rejected');
  void sendError(reply, domain);
}

/** Status, stable code and message for errors Node's HTTP layer raises before Fastify sees a request. */
function clientErrorAnswer(code: string | undefined): [number, string, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'RequestTimeout', 'The request headers and body did not arrive within the time the server allows.'];
  }
  if (code === 'HPE_HEADER_OVERFLOW')
    return [431, 'RequestHeadersTooLarge', 'The request line and headers are larger than the server accepts.'];
  return [400, 'BadRequest', 'The HTTP request is malformed.'];
}

/**
 * Errors Node's HTTP layer raises before a response starts (oversized headers or URL, malformed
 * request line, headers or body arriving too slowly): answered in the same JSON shape instead of
 * Fastify's default body, and the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  // A response already under way (or a reset connection) cannot take another one.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = clientErrorAnswer(error.code);
  const body = JSON.stringify({ error: code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
  // A client that reads nothing never lets the answer flush; it loses the connection all the same.
  setTimeout(() => socket.destroy(), 1000).unref();
}
