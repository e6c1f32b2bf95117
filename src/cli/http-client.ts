// ManagementService over HTTP: the same operations, sent to a running taskhub server through the
// public webhook routes. HTTP errors become the DomainErrors the direct transport would throw.

import { DomainError, type ErrorCode } from '../domain/index.js';
import type {
  CleanEntityStorageResult,
  EntityStatusObject,
  HubRef,
  InstanceFilter,
  ListPage,
  ManagementService,
  NameFilter,
  StatusCounts,
  StatusObject,
} from '../services/contract.js';
import { JsonText, stringifyJson } from '../services/json-text.js';
import { parseLosslessJson } from '../services/lossless-json.js';

const BASE_PATH = '/runtime/webhooks/durabletask';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'InstanceNotFound',
  409: 'InstanceStateConflict',
  410: 'InstanceGone',
  412: 'InstanceNotFailed',
  413: 'PayloadTooLarge',
  503: 'StorageUnavailable',
};

export interface HttpClientOptions {
  /** Server origin, e.g. http://127.0.0.1:7071 (a path prefix is kept). */
  baseUrl: string;
  key?: string;
}

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** An error status whose answer the caller reads itself. */
  allowStatus?: number;
}

const seg = (text: string) => encodeURIComponent(text);
const iso = (date: Date | undefined) => date?.toISOString();
const seconds = (ms: number) => ms / 1000;

/** The `name` query syntax: `Foo` exact, `Foo*` prefix. */
export const nameQuery = (name: NameFilter | undefined) => name?.exact ?? (name?.prefix ? `${name.prefix}*` : undefined);

/** The list's filter as query parameters (also used by counts). */
export function filterQuery(filter: InstanceFilter): Query {
  return {
    createdTimeFrom: iso(filter.createdTimeFrom),
    createdTimeTo: iso(filter.createdTimeTo),
    runtimeStatus: filter.runtimeStatus?.join(','),
    instanceIdPrefix: filter.instanceIdPrefix,
    name: nameQuery(filter.name),
    excludeEntities: filter.excludeEntities,
  };
}

/** An empty taskHub/connection means "the server's default": the parameter is left out. */
function hubQuery(hub: HubRef): Query {
  return { taskHub: hub.taskHub || undefined, connection: hub.connection || undefined };
}

export async function toDomainError(response: Response): Promise<DomainError> {
  return domainErrorOf(response, await response.text().catch(() => ''));
}

function domainErrorOf(response: Response, text: string): DomainError {
  let code = CODE_BY_STATUS[response.status] ?? 'InternalError';
  let message = `The server answered ${response.status} ${response.statusText}.`.replace(' .', '.');
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') code = body.error as ErrorCode;
    if (typeof body.message === 'string' && body.message) message = body.message;
  } catch {
    // Not a JSON error body: keep the status-based code.
  }
  return new DomainError(code, message);
}

function lenientParse(text: string): unknown {
  try {
    return parseLosslessJson(text);
  } catch {
    return undefined;
  }
}

const isStatusObject = (body: unknown): body is StatusObject =>
  typeof body === 'object' && body !== null && typeof (body as { runtimeStatus?: unknown }).runtimeStatus === 'string';

export function createHttpManagementService(options: HttpClientOptions): ManagementService {
  const origin = options.baseUrl.replace(/\/+$/, '');

  async function call(method: string, path: string, { query = {}, body, headers = {}, allowStatus }: Call = {}): Promise<Response> {
    const url = new URL(`${origin}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    const allHeaders: Record<string, string> = { ...headers };
    if (options.key) allHeaders['x-functions-key'] = options.key;
    if (body !== undefined) allHeaders['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers: allHeaders, body: body === undefined ? undefined : stringifyJson(body) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new DomainError('StorageUnavailable', `Cannot reach the taskhub server at ${new URL(origin).origin} (${cause}).`);
    }
    if (response.status >= 400 && response.status !== allowStatus) throw await toDomainError(response);
    return response;
  }

  // Payloads are the callers' JSON text on the server; JSON.parse would round big numbers and 1.0.
  const json = async <T>(response: Response) => parseLosslessJson(await response.text()) as T;
  const instancePath = (id: string, suffix = '') => `${BASE_PATH}/instances/${seg(id)}${suffix}`;
  // The empty key travels as `$`, the extension's spelling.
  const entityPath = (name: string, key: string) => `${BASE_PATH}/entities/${seg(name)}/${key === '' ? '$' : seg(key)}`;

  const service: ManagementService = {
    async start(hub, { name, instanceId, input, version }) {
      const path = `${BASE_PATH}/orchestrators/${seg(name)}${instanceId ? `/${seg(instanceId)}` : ''}`;
      const response = await call('POST', path, { query: { ...hubQuery(hub), version }, body: input });
      return { instanceId: (await json<{ id: string }>(response)).id };
    },
    async getStatus(hub, instanceId, opts = {}) {
      const query = {
        ...hubQuery(hub),
        showInput: opts.showInput ?? true,
        showHistory: opts.showHistory,
        showHistoryOutput: opts.showHistoryOutput,
      };
      const response = await call('GET', instancePath(instanceId), { query, allowStatus: 500 });
      if (response.status !== 500) return json<StatusObject>(response);
      // A stored status the server cannot name is 500 with the status object (runtimeStatus
      // Unknown), as the extension answers: show it as the direct transport does. Any other 500 is an error.
      const text = await response.text();
      const body = lenientParse(text);
      if (isStatusObject(body)) return body;
      throw domainErrorOf(response, text);
    },
    async list(hub, filter, opts = {}): Promise<ListPage> {
      const query: Query = { ...hubQuery(hub), ...filterQuery(filter), showInput: filter.showInput, top: opts.top };
      const headers: Record<string, string> = opts.continuationToken ? { 'x-ms-continuation-token': opts.continuationToken } : {};
      const response = await call('GET', `${BASE_PATH}/instances`, { query, headers });
      const token = response.headers.get('x-ms-continuation-token') || undefined;
      return { instances: await json<StatusObject[]>(response), continuationToken: token };
    },
    async count(hub, filter) {
      return json<StatusCounts>(
        await call('GET', `${BASE_PATH}/instances/counts`, { query: { ...hubQuery(hub), ...filterQuery(filter) } }),
      );
    },
    orchestratorNames() {
      return undefined;
    },
    async purge(hub, instanceId) {
      return json<{ instancesDeleted: number }>(await call('DELETE', instancePath(instanceId), { query: hubQuery(hub) }));
    },
    async purgeBy(hub, filter) {
      const query = {
        ...hubQuery(hub),
        createdTimeFrom: iso(filter.createdTimeFrom),
        createdTimeTo: iso(filter.createdTimeTo),
        runtimeStatus: filter.runtimeStatus?.join(','),
      };
      return json<{ instancesDeleted: number }>(await call('DELETE', `${BASE_PATH}/instances`, { query }));
    },
    async raiseEvent(hub, instanceId, eventName, data) {
      // JSON.stringify(undefined) would send no body; the route wants JSON, so absent data is null.
      await call('POST', instancePath(instanceId, `/raiseEvent/${seg(eventName)}`), { query: hubQuery(hub), body: data ?? null });
    },
    async terminate(hub, instanceId, reason) {
      await call('POST', instancePath(instanceId, '/terminate'), { query: { ...hubQuery(hub), reason } });
    },
    async suspend(hub, instanceId, reason) {
      await call('POST', instancePath(instanceId, '/suspend'), { query: { ...hubQuery(hub), reason } });
    },
    async resume(hub, instanceId, reason) {
      await call('POST', instancePath(instanceId, '/resume'), { query: { ...hubQuery(hub), reason } });
    },
    async rewind(hub, instanceId, reason) {
      await call('POST', instancePath(instanceId, '/rewind'), { query: { ...hubQuery(hub), reason } });
    },
    async restart(hub, instanceId, opts = {}) {
      const query = { ...hubQuery(hub), restartWithNewInstanceId: opts.restartWithNewInstanceId ?? true };
      const response = await call('POST', instancePath(instanceId, '/restart'), { query });
      return { instanceId: (await json<{ id: string }>(response)).id };
    },
    async waitForCompletion(hub, instanceId, { timeoutInMs, retryIntervalInMs }) {
      const query = { ...hubQuery(hub), timeout: seconds(timeoutInMs), retryInterval: seconds(retryIntervalInMs) };
      const response = await call('GET', instancePath(instanceId, '/wait'), { query });
      await response.body?.cancel();
      // 200 carries either the raw output or a status object; read the status itself to be sure.
      if (response.status === 200) return { finished: true, status: await service.getStatus(hub, instanceId) };
      return { finished: false, status: await service.getStatus(hub, instanceId) };
    },
    async deleteTaskHub(hub) {
      // The route has no default hub (it is destructive), so the name must be explicit here too.
      if (!hub.taskHub)
        throw new DomainError('BadRequest', 'Name the task hub to delete (--task-hub-name); the server has no default for this.');
      const response = await call('DELETE', `${BASE_PATH}/taskhub`, { query: hubQuery(hub) });
      await response.body?.cancel();
    },
    async getEntity(hub, name, key) {
      const response = await call('GET', entityPath(name, key), { query: hubQuery(hub) });
      return JsonText.parse(await response.text());
    },
    async signalEntity(hub, name, key, { operation, input }) {
      const response = await call('POST', entityPath(name, key), { query: { ...hubQuery(hub), op: operation }, body: input });
      await response.body?.cancel();
    },
    async listEntities(hub, filter, opts = {}) {
      const query: Query = {
        ...hubQuery(hub),
        lastOperationTimeFrom: iso(filter.lastOperationTimeFrom),
        lastOperationTimeTo: iso(filter.lastOperationTimeTo),
        fetchState: filter.fetchState,
        top: opts.top,
      };
      const headers: Record<string, string> = opts.continuationToken ? { 'x-ms-continuation-token': opts.continuationToken } : {};
      const path = filter.name ? `${BASE_PATH}/entities/${seg(filter.name)}` : `${BASE_PATH}/entities`;
      const response = await call('GET', path, { query, headers });
      const token = response.headers.get('x-ms-continuation-token') || undefined;
      return { entities: await json<EntityStatusObject[]>(response), continuationToken: token };
    },
    async cleanEntityStorage(hub, { removeEmptyEntities, releaseOrphanedLocks }) {
      const query = { ...hubQuery(hub), removeEmptyEntities, releaseOrphanedLocks };
      return json<CleanEntityStorageResult>(await call('POST', `${BASE_PATH}/cleanEntityStorage`, { query }));
    },
    async health() {
      try {
        const response = await fetch(`${origin}/health`);
        return { storage: response.ok ? 'ok' : 'unreachable' };
      } catch {
        return { storage: 'unreachable' };
      }
    },
    async readiness() {
      try {
        const response = await fetch(`${origin}/health/ready`);
        const body = (await response.json()) as { storage?: 'ok' | 'unreachable'; taskHub?: 'present' | 'missing' | 'unknown' };
        return { storage: body.storage ?? 'unreachable', taskHub: body.taskHub ?? 'unknown' };
      } catch {
        return { storage: 'unreachable', taskHub: 'unknown' };
      }
    },
  };
  return service;
}
