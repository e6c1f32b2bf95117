// Route-schema helpers: error responses by status code, and hiding the legacy-prefix copies of
// routes from the OpenAPI document (they are the same operations).

import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorResponse, ref } from '../schemas/shared.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (invalid parameter, id, body, connection or task hub name).',
  401: 'Missing or wrong system key.',
  403: 'A read-only key (TASKHUB_READ_KEYS) was used for a change.',
  404: 'Instance, task hub or route not found.',
  409: 'The instance is in a conflicting state.',
  410: 'The instance has finished and cannot accept the operation.',
  412: 'The instance is not Failed.',
  413: 'The body is larger than the configured limit.',
  503: 'Storage is unreachable; retry after Retry-After seconds.',
};

/**
 * The error answers of a route: 400, 401 and 503 (any request), plus `statuses`. Each route
 * declares its list here and nowhere else; routes that address a task hub use hubErrors.
 */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const all = [400, 401, ...statuses, 503];
  return Object.fromEntries(
    [...new Set(all)]
      .sort()
      .map((status) => [
        status,
        ref(
          ErrorResponse,
          ERROR_DESCRIPTIONS[status],
          status === 503 ? { 'Retry-After': { type: 'integer', description: 'Seconds to wait.' } } : undefined,
        ),
      ]),
  );
}

/** The error answers of a route that addresses a task hub: also 404, since a hub that does not exist is TaskHubNotFound. */
export function hubErrors(...statuses: number[]): Record<number, TSchema> {
  return errors(404, ...statuses);
}

export const accepted = Type.Unsafe<undefined>({ type: 'null', description: 'Accepted; no body.' });

export interface SchemaScope {
  /** The legacy-prefix registration: same routes, not repeated in the OpenAPI document. */
  hidden: boolean;
}

/** Adds `hide` for the legacy copy and drops its operationId (ids must be unique). */
export function scoped<T extends { operationId?: string }>(scope: SchemaScope, schema: T): T & { hide?: boolean } {
  if (!scope.hidden) return schema;
  const { operationId: _unused, ...rest } = schema;
  return { ...(rest as T), hide: true };
}
