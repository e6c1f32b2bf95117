// DELETE /taskhub — delete a whole task hub (taskhub's addition; not in the Durable Functions API).

import { Type } from '@sinclair/typebox';
import { invalidQuery } from '../domain/index.js';
import { TaskHubDeleted, ref } from '../schemas/shared.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { hubErrors, scoped, type SchemaScope } from './route-schema.js';

// Destructive, so the hub is never the configured default: `taskHub` must be named.
const deleteTaskHubQuery = Type.Object({
  code: Type.Optional(Type.String({ description: 'System key (the x-functions-key header wins).' })),
  taskHub: Type.String({ description: 'Required: the task hub to delete. There is no default.' }),
  connection: Type.Optional(Type.String({ description: 'Name of a configured storage connection; default AzureWebJobsStorage.' })),
});

export function registerDeleteTaskHub(app: App, deps: RouteDeps, scope: SchemaScope): void {
  app.delete(
    '/taskhub',
    {
      schema: scoped(scope, {
        operationId: 'deleteTaskHub',
        tags: ['taskhub'],
        summary: 'Delete a whole task hub',
        description:
          "taskhub's addition, outside the Durable Functions contract. Deletes every storage resource of " +
          'the hub (Instances and History tables, control and work-item queues, lease and large-message ' +
          'containers); cannot be undone. taskHub is required (no default); 404 TaskHubNotFound when the ' +
          'hub does not exist, including on every later request for it.',
        querystring: deleteTaskHubQuery,
        response: { 200: ref(TaskHubDeleted, 'Deleted.'), ...hubErrors() },
      }),
    },
    async (request, reply) => {
      if (request.query.taskHub.trim() === '') throw invalidQuery('taskHub', 'is required to delete a task hub');
      const hub = hubOf(deps.config, request.query);
      await deps.service.deleteTaskHub(hub);
      return reply.code(200).send({ taskHub: hub.taskHub, deleted: true });
    },
  );
}
