// What every route works with: the app type, the route's dependencies, and which task hub and
// public origin a request addresses.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { Config } from '../config.js';
import type { BatchService } from '../services/batch/batch-contract.js';
import type { HubRef, ManagementService } from '../services/contract.js';
import { DEFAULT_CONNECTION_NAME } from '../services/hub-resolver.js';

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteDeps {
  service: ManagementService;
  batches: BatchService;
  config: Config;
  /** Aborted when the app closes, so long-polls answer 202 instead of holding shutdown up. */
  shutdownSignal?: AbortSignal;
}

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
