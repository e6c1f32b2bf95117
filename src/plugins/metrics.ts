// GET /metrics (Prometheus text format) and the HTTP request metrics behind it. Requests are
// labelled with the route pattern (`/runtime/webhooks/durabletask/instances/:instanceId`), never the
// raw URL: ids would make every request a new time series. /metrics needs the system key like the
// API unless TASKHUB_METRICS_PUBLIC=true (for a scraper inside a trusted network).

import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import { ErrorResponse, ref } from '../schemas/shared.js';

export interface MetricsPluginOptions {
  metrics: Metrics;
  /** Serve /metrics without a key. */
  public: boolean;
}

export function installMetrics(app: FastifyInstance, options: MetricsPluginOptions): void {
  const { metrics } = options;
  // Fastify times every request that has an onResponse hook (from before the onRequest hooks to the
  // response's end), so no clock is read here of our own.
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get(
    '/metrics',
    {
      config: { public: options.public },
      schema: {
        operationId: 'metrics',
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Needs the system key unless TASKHUB_METRICS_PUBLIC=true.',
        ...(options.public ? { security: [] } : {}),
        // Per status, as each is sent: the metrics as text, the 401 as the JSON error every route answers.
        response: {
          200: { description: 'Metrics in the Prometheus text format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...(options.public
            ? {}
            : { 401: { description: 'Missing or wrong system key.', content: { 'application/json': { schema: ref(ErrorResponse) } } } }),
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
