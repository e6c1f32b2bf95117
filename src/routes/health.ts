// GET /health — liveness plus storage reachability; served without a key.

import { Health, ref } from '../schemas/shared.js';
import type { App, RouteDeps } from './http-support.js';

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
      return reply.code(503).header('retry-after', '5').send({ status: 'unavailable', storage });
    },
  );
}
