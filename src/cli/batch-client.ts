// Batches for the command line: over HTTP the server runs them (POST /instances/batch, then
// GET /batches/{id}); straight to storage the same batch service runs in this process.

import type { BatchPlan, BatchProgress, BatchRequest } from '../services/batch/batch-contract.js';
import { createBatchService } from '../services/batch/batch-service.js';
import type { HubRef, ManagementService } from '../services/contract.js';
import { stringifyJson } from '../services/json-text.js';
import { filterQuery, toDomainError } from './http-client.js';
import { DomainError } from '../domain/index.js';

export interface BatchClient {
  plan(hub: HubRef, request: BatchRequest): Promise<BatchPlan>;
  start(hub: HubRef, request: BatchRequest): Promise<BatchProgress>;
  get(id: string, from: number): Promise<BatchProgress>;
}

export function createLocalBatchClient(service: ManagementService): BatchClient {
  const batches = createBatchService(service);
  return {
    plan: (hub, r) => batches.plan(hub, r),
    start: (hub, r) => batches.start(hub, r),
    get: (id, from) => Promise.resolve(batches.get(id, from)),
  };
}

const BASE_PATH = '/runtime/webhooks/durabletask';

export function createHttpBatchClient(options: { baseUrl: string; key?: string }): BatchClient {
  const origin = options.baseUrl.replace(/\/+$/, '');
  async function call(method: string, path: string, hub: HubRef | undefined, body?: unknown): Promise<Response> {
    const url = new URL(`${origin}${BASE_PATH}${path}`);
    if (hub?.taskHub) url.searchParams.set('taskHub', hub.taskHub);
    if (hub?.connection) url.searchParams.set('connection', hub.connection);
    const headers: Record<string, string> = options.key ? { 'x-functions-key': options.key } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: body === undefined ? undefined : stringifyJson(body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new DomainError('StorageUnavailable', `Cannot reach the taskhub server at ${new URL(origin).origin} (${cause}).`);
    }
    if (response.status >= 400) throw await toDomainError(response);
    return response;
  }
  // The filter travels as JSON with the same names and syntax as the list's query parameters.
  const body = (request: BatchRequest) => {
    if (!request.filter) return request;
    const q = filterQuery(request.filter);
    const filter = {
      ...(q.createdTimeFrom ? { createdTimeFrom: q.createdTimeFrom } : {}),
      ...(q.createdTimeTo ? { createdTimeTo: q.createdTimeTo } : {}),
      ...(request.filter.runtimeStatus?.length ? { runtimeStatus: request.filter.runtimeStatus } : {}),
      ...(q.instanceIdPrefix ? { instanceIdPrefix: q.instanceIdPrefix } : {}),
      ...(q.name ? { name: q.name } : {}),
    };
    return { ...request, filter };
  };
  return {
    async plan(hub, request) {
      return (await (await call('POST', '/instances/batch', hub, body({ ...request, confirm: undefined }))).json()) as BatchPlan;
    },
    async start(hub, request) {
      return (await (await call('POST', '/instances/batch', hub, body(request))).json()) as BatchProgress;
    },
    async get(id, from) {
      return (await (await call('GET', `/batches/${encodeURIComponent(id)}?from=${from}`, undefined)).json()) as BatchProgress;
    },
  };
}
