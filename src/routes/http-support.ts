// Small HTTP helpers shared by the route files: which hub a request addresses, where it came
// from, and the response shapes that several routes share (status, check-status, wait outcome).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import type { Config } from '../config.js';
import { DomainError, isTerminal, UNKNOWN_RUNTIME_STATUS } from '../domain/index.js';
import type { BatchService } from '../services/batch/batch-contract.js';
import type { HubRef, ManagementService, StatusObject, StatusOptions } from '../services/contract.js';
import { DEFAULT_CONNECTION_NAME } from '../services/hub-resolver.js';
import { JsonText, stringifyJson } from '../services/json-text.js';
import { checkStatusPayload } from '../services/management-urls.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteDeps {
  service: ManagementService;
  batches: BatchService;
  config: Config;
  /** Aborted when the app closes, so long-polls answer 202 instead of holding shutdown up. */
  shutdownSignal?: AbortSignal;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
/** Retry-After of check-status answers and of 202 status answers, as the extension sends them. */
const CHECK_STATUS_RETRY_AFTER = '10';
const RUNNING_STATUS_RETRY_AFTER = '5';

export function hubOf(config: Config, query: { taskHub?: string; connection?: string }): HubRef {
  return {
    taskHub: query.taskHub?.trim() || config.hubName,
    // Echoed into management URLs as given; absent means the extension's default name.
    connection: query.connection?.trim() || DEFAULT_CONNECTION_NAME,
  };
}

/** The externally visible origin: configured, else the request's (proxy headers only when trusted). */
export function publicOrigin(request: FastifyRequest, config: Config): string {
  if (config.publicUrl) return config.publicUrl;
  return `${request.protocol}://${request.host || `${config.host}:${config.port}`}`;
}

export function sendCheckStatus(
  reply: FastifyReply,
  request: FastifyRequest,
  deps: RouteDeps,
  hub: HubRef,
  instanceId: string,
): FastifyReply {
  const payload = checkStatusPayload({
    origin: publicOrigin(request, deps.config),
    instanceId,
    taskHub: hub.taskHub,
    connection: hub.connection,
    key: request.authKey,
  });
  return reply.code(202).header('location', payload.statusQueryGetUri).header('retry-after', CHECK_STATUS_RETRY_AFTER).send(payload);
}

export function sendStatus(
  reply: FastifyReply,
  request: FastifyRequest,
  deps: RouteDeps,
  status: StatusObject,
  returnInternalServerErrorOnFailure = false,
): FastifyReply {
  if (status.runtimeStatus === UNKNOWN_RUNTIME_STATUS) {
    // As the extension: a status it cannot name is a server-side fault, answered 500 with the
    // status object (no Location, no Retry-After) and logged; the row itself is left alone.
    request.log.error({ instanceId: status.instanceId }, 'stored runtime status is not one this server knows');
    return reply.code(500).send(status);
  }
  if (!isTerminal(status.runtimeStatus)) {
    return reply
      .code(202)
      .header('location', `${publicOrigin(request, deps.config)}${request.url}`)
      .header('retry-after', RUNNING_STATUS_RETRY_AFTER)
      .send(status);
  }
  const failedAs500 = status.runtimeStatus === 'Failed' && returnInternalServerErrorOnFailure;
  return reply.code(failedAs500 ? 500 : 200).send(status);
}

/** Json.NET's default MaxDepth: deeper payloads would not load in a .NET Durable Functions worker. */
export const MAX_JSON_DEPTH = 64;

/** Deepest array/object nesting of JSON text, ignoring brackets inside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** Raw body text -> the same text, checked to be JSON; undefined for an empty body. */
export function parseJsonBody(body: unknown): JsonText | undefined {
  if (body === undefined || body === null) return undefined;
  const text = typeof body === 'string' ? body : String(body);
  if (text.trim() === '') return undefined;
  let value: JsonText;
  try {
    value = JsonText.parse(text);
  } catch {
    throw new DomainError('InvalidJson', 'The request body is not valid JSON.');
  }
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new DomainError('InvalidJson', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  return value;
}

export interface WaitSeconds {
  timeoutInMs: number;
  retryIntervalInMs: number;
}

/** Validates a timeout/interval pair (seconds); the interval defaults to 1 s, or the timeout when smaller. */
export function waitSeconds(timeout: number, interval: number | undefined, intervalName: string): WaitSeconds {
  const retry = interval ?? Math.min(1, timeout);
  if (retry > timeout) {
    throw new DomainError('InvalidQueryParameter', `Query parameter '${intervalName}' must not be larger than 'timeout'.`);
  }
  return { timeoutInMs: Math.round(timeout * 1000), retryIntervalInMs: Math.round(retry * 1000) };
}

/** Like waitSeconds, for routes where waiting is optional: no `timeout` means no wait. */
export function optionalWait(timeout: number | undefined, interval: number | undefined, intervalName: string): WaitSeconds | undefined {
  if (timeout !== undefined) return waitSeconds(timeout, interval, intervalName);
  if (interval !== undefined) throw new DomainError('InvalidQueryParameter', `Query parameter '${intervalName}' needs 'timeout'.`);
  return undefined;
}

/**
 * The shared wait-for-completion answer: Completed -> 200 with the raw output; Failed, Terminated
 * or Canceled -> the get-status answer (200); still running at the timeout -> 202 check-status.
 */
export async function answerWait(
  reply: FastifyReply,
  request: FastifyRequest,
  deps: RouteDeps,
  hub: HubRef,
  instanceId: string,
  wait: WaitSeconds,
  statusOptions: StatusOptions = {},
): Promise<FastifyReply> {
  // Stop waiting when the caller goes away or the server shuts down.
  const abort = new AbortController();
  reply.raw.once('close', () => abort.abort());
  const signal = deps.shutdownSignal ? AbortSignal.any([abort.signal, deps.shutdownSignal]) : abort.signal;
  const result = await deps.service.waitForCompletion(hub, instanceId, { ...wait, abortSignal: signal });
  if (!result.finished) return sendCheckStatus(reply, request, deps, hub, instanceId);
  if (result.status.runtimeStatus === 'Completed') {
    return reply
      .code(200)
      .type(JSON_TYPE)
      .send(stringifyJson(result.status.output ?? null));
  }
  const plain = statusOptions.showInput !== false && !statusOptions.showHistory;
  const status = plain ? result.status : await deps.service.getStatus(hub, instanceId, statusOptions);
  return sendStatus(reply, request, deps, status, false);
}
