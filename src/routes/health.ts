// GET /health — liveness plus storage reachability; GET /health/ready — readiness (storage
// reachable and the default task hub present). Both are served without a key.

import { Health, Readiness, ref } from '../schemas/shared.js';
import type { App, RouteDeps } from './route-context.js';

const RETRY_AFTER_SECONDS = '5';

export function registerHealth(app: App, deps: RouteDeps): void {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: {
        operationId: 'health',
        tags: ['operations'],
        summary: 'Health and storage reachability',
        security: [],
        response: {
          200: ref(Health, 'Storage is reachable.'),
          503: ref(Health, 'Storage is unreachable.'),
        },
      },
    },
    async (_request, reply) => {
      const { storage } = await deps.service.health();
      if (storage === 'ok') return reply.code(200).send({ status: 'ok', storage });
      return reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).send({ status: 'unavailable', storage });
    },
  );

  app.get(
    '/health/ready',
    {
      config: { public: true },
      schema: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'Readiness: storage reachable and the default task hub present',
        description: 'For load balancers and Kubernetes readiness probes; /health is the liveness probe.',
        security: [],
        response: {
          200: ref(Readiness, 'Ready to serve.'),
          503: ref(Readiness, 'Not ready: storage unreachable or the default task hub missing.'),
        },
      },
    },
    async (_request, reply) => {
      const { storage, taskHub } = await deps.service.readiness();
      if (storage === 'ok' && taskHub === 'present') return reply.code(200).send({ status: 'ready', storage, taskHub });
      return reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).send({ status: 'not-ready', storage, taskHub });
    },
  );
}
