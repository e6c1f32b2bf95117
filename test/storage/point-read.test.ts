// The light point read (src/storage/azure/point-read.ts) against TableClient.getEntity: for every
// kind of credential, the same request on the wire and the same entity back. Both go through one
// recording HTTP client that answers as the Table service does, so nothing here needs storage.
import { createHmac } from 'node:crypto';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { AzureNamedKeyCredential, AzureSASCredential, TableClient, type RestError, type TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { pointReader } from '../../src/storage/azure/point-read.js';

const ACCOUNT = 'contoso';
const ACCOUNT_KEY = Buffer.from('not a real account key').toString('base64');
const ENDPOINT = `https://${ACCOUNT}.table.core.windows.net`;
const TABLE = 'MyHubInstances';
const SAS = 'sv=2019-02-02&ss=t&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=c2lnbmF0dXJl%3D';

/** A row with a value of every type the service annotates, as it sends it with minimal metadata. */
const ROW = {
  'odata.metadata': `${ENDPOINT}/$metadata#${TABLE}/@Element`,
  'odata.etag': `W/"datetime'2026-12-02T12%3A00%3A00.1234567Z'"`,
  PartitionKey: "it's ^0 日本 a+b %41",
  RowKey: '',
  Timestamp: '2026-12-02T12:00:00.1234567Z',
  'Timestamp@odata.type': 'Edm.DateTime',
  Name: 'E1_HelloSequence',
  RuntimeStatus: 'Completed',
  Input: '{"city":"Tokyo"}',
  CreatedTime: '2026-12-02T11:59:00Z',
  'CreatedTime@odata.type': 'Edm.DateTime',
  Generation: 3,
  Large: '9007199254740993',
  'Large@odata.type': 'Edm.Int64',
  Id: '00000000-1111-2222-3333-444444444444',
  'Id@odata.type': 'Edm.Guid',
  Bytes: 'AAEC/w==',
  'Bytes@odata.type': 'Edm.Binary',
  Ratio: 0.5,
  Done: true,
};

const JSON_TYPE = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';

/** Answers every request with `status` and `body`, keeping the requests as they reached the wire. */
function recordingHttpClient(status: number, body: unknown): HttpClient & { requests: PipelineRequest[] } {
  const requests: PipelineRequest[] = [];
  return {
    requests,
    sendRequest: (request): Promise<PipelineResponse> => {
      requests.push(request);
      return Promise.resolve({
        request,
        status,
        headers: createHttpHeaders({ 'content-type': JSON_TYPE }),
        bodyAsText: JSON.stringify(body),
      });
    },
  };
}

const token: TokenCredential = { getToken: () => Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };

const CREDENTIALS: [string, (httpClient: HttpClient) => TableClient][] = [
  ['shared key', (httpClient) => new TableClient(ENDPOINT, TABLE, new AzureNamedKeyCredential(ACCOUNT, ACCOUNT_KEY), { httpClient })],
  [
    'shared key from a connection string',
    (httpClient) =>
      TableClient.fromConnectionString(
        `DefaultEndpointsProtocol=https;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};EndpointSuffix=core.windows.net`,
        TABLE,
        { httpClient },
      ),
  ],
  ['SAS credential', (httpClient) => new TableClient(ENDPOINT, TABLE, new AzureSASCredential(SAS), { httpClient })],
  [
    'SAS connection string',
    (httpClient) => TableClient.fromConnectionString(`TableEndpoint=${ENDPOINT}/;SharedAccessSignature=${SAS}`, TABLE, { httpClient }),
  ],
  ['token credential', (httpClient) => new TableClient(ENDPOINT, TABLE, token, { httpClient })],
];

/** Reads one row both ways through fresh clients; returns what each sent and got. */
async function readBothWays(
  makeClient: (httpClient: HttpClient) => TableClient,
  answer: { status: number; body: unknown },
  options: { select?: string[] } = {},
) {
  const sdkHttp = recordingHttpClient(answer.status, answer.body);
  const sdk = await makeClient(sdkHttp)
    .getEntity<Record<string, unknown>>(ROW.PartitionKey, '', options.select ? { queryOptions: { select: options.select } } : {})
    .then(
      (entity) => ({ entity, error: undefined }),
      (error: unknown) => ({ entity: undefined, error }),
    );
  const lightHttp = recordingHttpClient(answer.status, answer.body);
  const read = pointReader(makeClient(lightHttp), { allowInsecureConnection: false, httpClient: lightHttp });
  const light = await read(ROW.PartitionKey, '', options).then(
    (entity) => ({ entity, error: undefined }),
    (error: unknown) => ({ entity: undefined, error }),
  );
  return { sdk, light, sdkRequest: sdkHttp.requests[0], lightRequest: lightHttp.requests[0] };
}

/** The request's method, URL and headers: every name as spelled, the values its meaning and authentication rest on. */
function wireOf(request: PipelineRequest) {
  const header = (name: string) => request.headers.get(name);
  const authorization = header('authorization') ?? '';
  return {
    method: request.method,
    url: request.url,
    accept: header('accept'),
    version: header('x-ms-version'),
    dataServiceVersion: header('dataserviceversion'),
    scheme: authorization.split(/[ :]/)[0] || undefined,
    // Values that differ per request (date, client request id, signature) are compared by name only.
    names: Object.keys(request.headers.toJSON({ preserveCase: true })).sort(),
  };
}

/** Checks a SharedKeyLite signature the way the service does: the date and the URL's path, signed with the account key. */
function expectValidSharedKey(request: PipelineRequest): void {
  const date = request.headers.get('x-ms-date') ?? '';
  const signed = `${date}\n/${ACCOUNT}${new URL(request.url).pathname}`;
  const signature = createHmac('sha256', Buffer.from(ACCOUNT_KEY, 'base64')).update(signed, 'utf8').digest('base64');
  expect(request.headers.get('authorization')).toBe(`SharedKeyLite ${ACCOUNT}:${signature}`);
}

describe('point read', () => {
  for (const [kind, makeClient] of CREDENTIALS) {
    it(`${kind}: sends getEntity's request and returns the entity getEntity returns`, async () => {
      const { sdk, light, sdkRequest, lightRequest } = await readBothWays(makeClient, { status: 200, body: ROW });
      expect(sdk.error).toBeUndefined();
      expect(light.error).toBeUndefined();
      expect(wireOf(lightRequest)).toEqual(wireOf(sdkRequest));
      expect(light.entity).toEqual(sdk.entity);
      if (kind.startsWith('shared key')) {
        expectValidSharedKey(sdkRequest);
        expectValidSharedKey(lightRequest);
      }
      if (kind.startsWith('SAS')) expect(lightRequest.url).toContain('sig=c2lnbmF0dXJl%3D');
      if (kind === 'token credential') expect(lightRequest.headers.get('authorization')).toBe('Bearer entra-token');
    });
  }

  it('a column list goes into $select as getEntity sends it', async () => {
    for (const [, makeClient] of CREDENTIALS) {
      const { light, sdkRequest, lightRequest } = await readBothWays(
        makeClient,
        { status: 200, body: ROW },
        { select: ['PartitionKey', 'Name', 'RuntimeStatus'] },
      );
      expect(light.error).toBeUndefined();
      expect(lightRequest.url).toBe(sdkRequest.url);
    }
  });

  it('converts values as getEntity does: dates, 64-bit integers, bytes, GUIDs, system properties', async () => {
    const { light } = await readBothWays(CREDENTIALS[0][1], { status: 200, body: ROW });
    const entity = light.entity as TableEntityResult<Record<string, unknown>>;
    expect(entity.partitionKey).toBe(ROW.PartitionKey);
    expect(entity.etag).toBe(ROW['odata.etag']);
    expect(entity.timestamp).toEqual(new Date(ROW.Timestamp));
    expect(entity.CreatedTime).toEqual(new Date('2026-12-02T11:59:00Z'));
    expect(entity.Large).toBe(9007199254740993n);
    expect(entity.Id).toEqual({ value: ROW.Id, type: 'Guid' });
    expect([...(entity.Bytes as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(Object.keys(entity).some((key) => key.includes('@odata.type'))).toBe(false);
  });

  it('no such row: undefined where getEntity throws a 404', async () => {
    const body = {
      'odata.error': { code: 'ResourceNotFound', message: { lang: 'en-US', value: 'The specified resource does not exist.' } },
    };
    const { sdk, light } = await readBothWays(CREDENTIALS[0][1], { status: 404, body });
    expect(sdk.error).toMatchObject({ statusCode: 404 });
    expect(light).toEqual({ entity: undefined, error: undefined });
  });

  it('other failures throw the RestError getEntity throws: the status, the service answer as the message', async () => {
    const body = { 'odata.error': { code: 'AuthorizationFailure', message: { lang: 'en-US', value: 'This request is not authorized.' } } };
    const { sdk, light } = await readBothWays(CREDENTIALS[0][1], { status: 403, body });
    const shape = (error: unknown) => {
      const { name, statusCode, code, message } = error as RestError;
      return { name, statusCode, code, message };
    };
    expect(shape(light.error)).toEqual(shape(sdk.error));
    expect(shape(light.error)).toMatchObject({ name: 'RestError', statusCode: 403 });
  });
});
