// Generates hostile requests from a fixed seed over every operation of the OpenAPI document:
// methods, ids, query values, headers, bodies and keys. The same seed always gives the same cases.

export interface Operation {
  method: string;
  /** OpenAPI path with {placeholders}. */
  path: string;
  query: { name: string; type: string }[];
  hasBody: boolean;
}

export interface FuzzCase {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Secrets this case sends that must never come back or reach a log line. */
  secrets: string[];
}

/** mulberry32: small, fast, deterministic. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function operationsOf(document: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as { parameters?: { in: string; name: string; schema?: { type?: string } }[]; requestBody?: unknown };
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, type: p.schema?.type ?? 'string' }));
      operations.push({ method: method.toUpperCase(), path, query, hasBody: op.requestBody !== undefined });
    }
  }
  return operations;
}

const SEGMENTS = [
  'abc',
  'x',
  '%20',
  '%00',
  '%2F',
  '..',
  '.',
  '%2e%2e',
  '@counter@k',
  '@',
  '%40',
  'é',
  '%C3%A9',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '%%',
  'a'.repeat(256),
  'a'.repeat(300),
  'id with space',
  "quote'",
  'semi;colon',
  'back\\slash',
  '%0D%0Aset-cookie:x',
  '{instanceId}',
  '0',
  '-1',
  'null',
  'true',
  'Hello',
  'HelloSequence',
  'Counter',
];
const STRINGS = [
  '',
  ' ',
  'x',
  'true',
  'TRUE',
  'False',
  'yes',
  '0',
  '1',
  '-1',
  '1.5',
  '1e309',
  '-1e309',
  'Infinity',
  'NaN',
  '0x10',
  '3600',
  '3601',
  '1000',
  '1001',
  '2024-01-01',
  '2024-13-45T99:00:00Z',
  '2024-01-01T00:00:00+05:30',
  'Completed,Failed',
  'Bogus',
  'Running,,pending',
  '%',
  '%zz',
  '\u0000',
  '\ud800',
  'é',
  'a'.repeat(2000),
  'DurableFunctionsHub',
  'Storage',
  'AzureWebJobsStorage',
  'nosuchconnection',
  'ab',
  'Hub_1',
  '[]',
  '{}',
  'a,b',
  '<script>',
];
const SMALL_TIMEOUTS = ['0', '0.05', '0.1', '-1', '1e309', 'Infinity', 'abc', '3601', ''];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
  'application/json; charset=latin1',
  'garbage',
];
const BODIES = [
  '',
  '{}',
  '[]',
  'null',
  '42',
  '"text"',
  '{"a":1}',
  '{',
  '{"a":',
  'not json',
  '\u0000',
  '[[[[[[[[[[]]]]]]]]]]',
  `${'['.repeat(200)}${']'.repeat(200)}`,
  JSON.stringify({ big: 'x'.repeat(70_000) }),
  '{"__proto__":{"polluted":1}}',
  '{"instanceIds":["a","b"]}',
  '{"orchestratorName":"Hello","instances":[{"input":1}]}',
  '\ud800',
  'true',
  '{"a":1}garbage',
];
const TOKENS = [
  '',
  'garbage',
  'eyJ9',
  Buffer.from('{"nextPartitionKey":5}').toString('base64'),
  Buffer.from('{"nextPartitionKey":"a","nextRowKey":"\\ud800"}').toString('base64'),
  Buffer.from('[]').toString('base64'),
];

/** encodeURIComponent, except that a lone surrogate goes out as its (invalid) UTF-8 bytes. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
}

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

/** How a case presents (or does not present) its key. */
type KeyStyle = 'header' | 'query' | 'oddQuery' | 'wrongHeader' | 'wrongQuery' | 'none' | 'both';

export function generateCases(operations: Operation[], key: string, count: number, seed: number): FuzzCase[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const chance = (p: number) => next() < p;
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const op = pick(operations);
    const wrong = `wrong-secret-${i}`;
    const method = chance(0.9) ? op.method : pick(METHODS);
    let path = op.path.replace(/\{[^}]+\}/g, () => pick(SEGMENTS));
    if (chance(0.03)) path = path.replace('/runtime/webhooks/durabletask', '/admin/extensions/DurableTaskExtension');
    if (chance(0.02)) path = path.toUpperCase();
    if (chance(0.02)) path += pick(['/', '//', '/extra', '#frag', ';x=1']);
    const params: string[] = [];
    for (const q of op.query) {
      if (q.name === 'timeout' || q.name === 'pollingInterval' || q.name === 'retryInterval') {
        // Always bounded: a valid long wait would only measure the clock.
        if (q.name === 'timeout' || chance(0.3)) params.push(`${q.name}=${encode(pick(SMALL_TIMEOUTS))}`);
        continue;
      }
      if (!chance(0.35)) continue;
      const name = chance(0.1) ? q.name.toUpperCase() : q.name;
      const value = q.name === 'taskHub' && chance(0.5) ? '' : pick(STRINGS);
      params.push(`${name}=${chance(0.8) ? encode(value) : value}`);
      if (chance(0.05)) params.push(`${name}=${encode(pick(STRINGS))}`);
    }
    if (chance(0.05)) params.push(`${pick(['unknown', 'x', '', '&&'])}=${encode(pick(STRINGS))}`);
    const headers: Record<string, string> = {};
    const style = pick<KeyStyle>(['header', 'header', 'header', 'query', 'oddQuery', 'wrongHeader', 'wrongQuery', 'none', 'both']);
    if (style === 'header' || style === 'both') headers['x-functions-key'] = key;
    if (style === 'wrongHeader') headers['x-functions-key'] = wrong;
    if (style === 'query' || style === 'both') params.push(`code=${encode(key)}`);
    if (style === 'wrongQuery') params.push(`${pick(['code', 'CODE', '%63ode', '+code', 'Code%20'])}=${wrong}`);
    if (style === 'oddQuery') params.push(`${pick(['%63ode', 'CoDe', '+code', 'code%20', 'co%64e'])}=${encode(key)}`);
    const sortedParams = chance(0.5) ? params : params.reverse();
    const url = sortedParams.length ? `${path}?${sortedParams.join(pick(['&', '&', '&', ';']))}` : path;
    let body: string | undefined;
    if ((op.hasBody && chance(0.8)) || chance(0.05)) {
      body = pick(BODIES);
      const type = pick(CONTENT_TYPES);
      if (type) headers['content-type'] = type;
    }
    if (chance(0.1)) headers['x-ms-continuation-token'] = pick(TOKENS);
    if (chance(0.05)) headers.accept = pick(['text/html', '*/*', 'application/xml', '']);
    if (chance(0.03)) headers['x-forwarded-host'] = pick(['evil.example', '', 'a b']);
    if (chance(0.03)) headers['idempotency-key'] = pick(STRINGS);
    cases.push({ method, url, headers, body, secrets: [wrong] });
  }
  return cases;
}
