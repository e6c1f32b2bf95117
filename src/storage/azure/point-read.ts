// One entity by its keys: GET /{table}(PartitionKey='…',RowKey='…'), the request
// TableClient.getEntity sends, for the reads a caller waits on (GET status). getEntity spends close
// to a third of its CPU outside the exchange itself: a tracing span, the generated client's URL templating
// and its response mappers (`npm run bench:api`). This sends the same request through a copy of the
// table client's own pipeline, so the same credential policy (shared key, SAS or token), retries,
// per-try time limit, proxy and user agent apply, and reads the JSON answer itself.

import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TableClient } from '@azure/data-tables';
import { fromWireEntity } from './wire-entity.js';

/**
 * Policies that serve only the generated operations (their request and response mappers) or request
 * bodies, which a point read has none of; and tracing, whose spans go nowhere: taskhub registers no
 * instrumenter.
 */
const UNUSED_POLICIES = ['serializationPolicy', 'deserializationPolicy', 'formDataPolicy', 'multipartPolicy', 'tracingPolicy'];

/** The headers getEntity sends, spelled as it spells them (the service version its generated client was made for). */
const HEADERS = { Accept: 'application/json;odata=minimalmetadata', 'x-ms-version': '2019-02-02', DataServiceVersion: '3.0' };

/** The entity as getEntity returns it, or undefined when the table has no such row. */
export type PointRead = (
  partitionKey: string,
  rowKey: string,
  /** `select`: column names as the service spells them (PartitionKey, not partitionKey). */
  options?: { select?: readonly string[] },
) => Promise<Record<string, unknown> | undefined>;

export interface PointReaderOptions {
  /** As the client was made: http endpoints (the emulator) need it. */
  allowInsecureConnection: boolean;
  /** Defaults to one shared keep-alive client; tests pass their own. */
  httpClient?: HttpClient;
}

let sharedHttpClient: HttpClient | undefined;

/** The 200 answer's entity; a body that is not a JSON object fails as the SDK fails, with a RestError. */
function parsedEntity(text: string | null | undefined, request: PipelineRequest, response: PipelineResponse): Record<string, unknown> {
  try {
    const entity = JSON.parse(text ?? '') as unknown;
    if (entity !== null && typeof entity === 'object' && !Array.isArray(entity)) return entity as Record<string, unknown>;
  } catch {
    // Falls through to the error below.
  }
  throw new RestError('Storage answered 200 with a body that is not an entity.', { statusCode: response.status, request, response });
}

/** The keys as the service reads them in a URL: quotes doubled (OData), then percent-encoded. */
const keyInUrl = (key: string) => encodeURIComponent(key.replaceAll("'", "''"));

export function pointReader(client: TableClient, options: PointReaderOptions): PointRead {
  const pipeline = client.pipeline.clone();
  for (const name of UNUSED_POLICIES) pipeline.removePolicy({ name });
  const httpClient = options.httpClient ?? (sharedHttpClient ??= createDefaultHttpClient());
  // Built once: the account URL (with a SAS connection string's query, if any) and the table.
  const base = new URL(client.url);
  const path = `${base.origin}${base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`}${encodeURIComponent(client.tableName)}`;
  const search = base.search;

  return async (partitionKey, rowKey, readOptions = {}) => {
    let url = `${path}(PartitionKey='${keyInUrl(partitionKey)}',RowKey='${keyInUrl(rowKey)}')${search}`;
    if (readOptions.select) url += `${search ? '&' : '?'}$select=${encodeURIComponent(readOptions.select.join(','))}`;
    const request = createPipelineRequest({
      url,
      method: 'GET',
      headers: createHttpHeaders(HEADERS),
      allowInsecureConnection: options.allowInsecureConnection,
    });
    const response = await pipeline.sendRequest(httpClient, request);
    if (response.status === 200) return fromWireEntity(parsedEntity(response.bodyAsText, request, response));
    if (response.status === 404) return undefined;
    // As getEntity throws it: the service's answer as the message.
    throw new RestError(response.bodyAsText || `Storage answered ${response.status}.`, { statusCode: response.status, request, response });
  };
}
