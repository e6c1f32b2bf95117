// buildApp: the Fastify instance with every plugin and route; no listening, no side effects.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';
import { registerDashboard } from './dashboard/routes.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { countWaiters } from './observability/long-poll-waiters.js';
import { installAuth } from './plugins/auth.js';
import { DEFAULT_LARGE_BODY_BYTES, installRawBodyParser } from './plugins/content-parsers.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandler } from './plugins/error-handler.js';
import { fastifyLoggerOptions, logAbandonedRequests, requestId } from './plugins/logging.js';
import { installMetrics } from './plugins/metrics.js';
import { installOpenApi } from './plugins/openapi.js';
import { createQueryNames } from './plugins/query-names.js';
import { registerRoutes } from './routes/index.js';
import { BATCH_SCHEMAS } from './schemas/batch.js';
import { SHARED_SCHEMAS } from './schemas/shared.js';
import type { InstanceEvents } from './services/instance-events.js';
import { createBatchService } from './services/batch/batch-service.js';
import { stringifyJson } from './services/json-text.js';
import { createManagementService } from './services/management-service.js';
import type { StoreProvider } from './storage/port.js';
import { VERSION } from './version.js';

export interface BuildAppOptions {
  config: Config;
  stores: StoreProvider;
  /** A logger, pino options, or false/undefined for no logging. */
  logger?: FastifyBaseLogger | LoggerOptions | false;
  events?: InstanceEvents;
  orchestratorNames?: () => readonly string[] | undefined;
  entityNames?: () => readonly string[] | undefined;
  /** Accepted system keys; may be empty only when config.noAuth. */
  keys: string[];
  /** The process's metrics (shared with the store wrapper and the worker); a fresh set when omitted. */
  metrics?: Metrics;
}

export { VERSION };

/** Percent-encoded instance ids of 256 characters can take up to 12 bytes each (4 UTF-8 bytes as %XX). */
const MAX_PARAM_LENGTH = 3072;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const queryNames = createQueryNames();
  const app = Fastify({
    ...fastifyLoggerOptions(options.logger),
    routerOptions: {
      caseSensitive: false,
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      maxParamLength: MAX_PARAM_LENGTH,
      querystringParser: (text: string) => queryNames.parse(text),
    },
    bodyLimit: config.bodyLimitInBytes,
    // Slow or stalled clients (headers or body trickling in) are cut after the configured time
    // with a JSON 408 (clientErrorHandler); the check runs often enough to keep the bound tight.
    requestTimeout: config.requestTimeoutInMs,
    http: {
      headersTimeout: config.requestTimeoutInMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutInMs / 4))),
    },
    genReqId: requestId,
    trustProxy: config.trustProxy,
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    ajv: { customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.server.maxConnections = config.maxConnections;
  app.addHook('onRoute', (route) => queryNames.learn(route));
  app.addHook('preValidation', (request, _reply, done) => {
    queryNames.checkFinite(request.query);
    done();
  });
  // Response schemas document the API; bodies are serialised as-is so no field is ever dropped,
  // and payloads (JsonText) are written exactly as the caller sent them.
  app.setSerializerCompiler(() => (data) => stringifyJson(data));
  // The id of every log line of this request, returned so a caller can quote it.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  for (const schema of [...SHARED_SCHEMAS, ...BATCH_SCHEMAS]) app.addSchema(schema);

  installErrorHandler(app);
  if (options.logger) logAbandonedRequests(app);
  installRawBodyParser(app, { largeBodyBytes: config.largeBodyBytes ?? DEFAULT_LARGE_BODY_BYTES });
  if (config.noAuth) {
    app.log.warn(
      'AUTHENTICATION IS DISABLED (--no-auth / TASKHUB_NO_AUTH=true): anyone who can reach this server can manage every task hub.',
    );
  }
  installAuth(app, { keys: options.keys, readKeys: config.readKeys, noAuth: config.noAuth });
  await installOpenApi(app, VERSION);
  const metrics = options.metrics ?? createMetrics(VERSION);
  installMetrics(app, { metrics, public: config.metricsPublic });

  const { service, waiters } = countWaiters(
    createManagementService({
      stores: options.stores,
      config,
      events: options.events,
      orchestratorNames: options.orchestratorNames,
      entityNames: options.entityNames,
    }),
  );
  metrics.longPollWaiters = waiters;
  const shutdown = new AbortController();
  app.addHook('preClose', (done) => {
    shutdown.abort();
    done();
  });
  const batches = createBatchService(service, { abortSignal: shutdown.signal });
  await registerRoutes(app, { service, batches, config, shutdownSignal: shutdown.signal });
  registerDashboard(app);
  return app;
}
