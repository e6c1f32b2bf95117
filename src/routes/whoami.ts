// GET /whoami — the role of the presented key, so a client (the dashboard) can hide what it may
// not do (taskhub addition). HEAD works too, like every GET.

import { query } from '../schemas/queries.js';
import { ref, WhoAmI } from '../schemas/shared.js';
import type { App } from './route-context.js';
import { errors, scoped, type SchemaScope } from './route-schema.js';

export function registerWhoAmI(app: App, scope: SchemaScope): void {
  app.get(
    '/whoami',
    {
      schema: scoped(scope, {
        operationId: 'whoAmI',
        tags: ['taskhub'],
        summary: 'Role of the presented key',
        description: 'taskhub addition. `read` for a key of TASKHUB_READ_KEYS (GET and HEAD only), else `admin`.',
        querystring: query({}),
        response: { 200: ref(WhoAmI), ...errors() },
      }),
    },
    async (request, reply) => reply.code(200).send({ role: request.authRole ?? 'admin' }),
  );
}
