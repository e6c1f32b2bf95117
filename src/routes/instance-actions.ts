// POST /instances/{instanceId}/{terminate|suspend|resume|rewind}?reason= — client events that only
// carry a reason. Bodies are ignored (the real client sends empty JSON bodies).

import type { ManagementService, HubRef } from '../services/contract.js';
import { instanceParams, reasonQuery } from '../schemas/queries.js';
import { hubOf, type App, type RouteDeps } from './route-context.js';
import { accepted, hubErrors, scoped, type SchemaScope } from './route-schema.js';

interface Action {
  path: string;
  operationId: string;
  summary: string;
  description: string;
  errorStatuses: number[];
  run(service: ManagementService, hub: HubRef, instanceId: string, reason?: string): Promise<void>;
}

const ACTIONS: Action[] = [
  {
    path: 'terminate',
    operationId: 'terminateInstance',
    summary: 'Terminate an instance',
    description: '410 when the instance has already finished.',
    errorStatuses: [410],
    run: (service, hub, id, reason) => service.terminate(hub, id, reason),
  },
  {
    path: 'suspend',
    operationId: 'suspendInstance',
    summary: 'Suspend an instance',
    description: '410 when finished; 409 when already suspended.',
    errorStatuses: [409, 410],
    run: (service, hub, id, reason) => service.suspend(hub, id, reason),
  },
  {
    path: 'resume',
    operationId: 'resumeInstance',
    summary: 'Resume a suspended instance',
    description: '410 when finished; 409 when not suspended.',
    errorStatuses: [409, 410],
    run: (service, hub, id, reason) => service.resume(hub, id, reason),
  },
  {
    path: 'rewind',
    operationId: 'rewindInstance',
    summary: 'Rewind a failed instance',
    description: 'Replays a Failed instance from its failure; 412 when the instance is not Failed.',
    errorStatuses: [412],
    run: (service, hub, id, reason) => service.rewind(hub, id, reason),
  },
];

export function registerInstanceActions(app: App, deps: RouteDeps, scope: SchemaScope): void {
  for (const action of ACTIONS) {
    app.post(
      `/instances/:instanceId/${action.path}`,
      {
        schema: scoped(scope, {
          operationId: action.operationId,
          tags: ['instances'],
          summary: action.summary,
          description: action.description,
          params: instanceParams,
          querystring: reasonQuery,
          response: { 202: accepted, ...hubErrors(...action.errorStatuses) },
        }),
      },
      async (request, reply) => {
        const { query } = request;
        await action.run(deps.service, hubOf(deps.config, query), request.params.instanceId, query.reason);
        return reply.code(202).send(undefined);
      },
    );
  }
}
