// Waiting for an instance to finish: the timeout/interval query values and the shared answer of
// the routes that wait (start-and-wait, restart-and-wait, the wait route, the sample sync start).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/index.js';
import type { HubRef, StatusOptions } from '../services/contract.js';
import { stringifyJson } from '../services/json-text.js';
import type { RouteDeps } from './route-context.js';
import { JSON_TYPE, sendCheckStatus, sendStatus } from './status-answers.js';

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
