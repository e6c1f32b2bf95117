// The answers several routes share: the check-status payload (202 with Location and
// Retry-After) and the status object (200, 202 while running, 500 where the extension answers 500).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTerminal, UNKNOWN_RUNTIME_STATUS } from '../domain/index.js';
import type { HubRef, StatusObject } from '../services/contract.js';
import { checkStatusPayload } from '../services/management-urls.js';
import { publicOrigin, type RouteDeps } from './route-context.js';

export const JSON_TYPE = 'application/json; charset=utf-8';
/** Retry-After of check-status answers and of 202 status answers, as the extension sends them. */
const CHECK_STATUS_RETRY_AFTER = '10';
const RUNNING_STATUS_RETRY_AFTER = '5';

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
