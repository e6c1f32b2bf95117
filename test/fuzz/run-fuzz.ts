// Runs generated cases through a real app (app.inject, real Azurite) and checks the invariants:
// no 5xx, every error a JSON {error, message}, no key or sent secret in any answer or log line.

import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { redactUrl } from '../../src/plugins/logging.js';
import { testStores } from '../helpers/stores.js';
import { generateCases, operationsOf, type FuzzCase } from './generator.js';

export const FUZZ_KEY = 'fuzz-key-5c1d0f9e2b7a4e36';

export interface FuzzResult {
  /** Cases per status code ('crash' when inject itself threw). */
  histogram: Record<string, number>;
  failures: string[];
  cases: number;
}

export interface FuzzOptions {
  connectionString: string;
  hubName: string;
  count: number;
  seed: number;
  concurrency?: number;
  onProgress?: (done: number) => void;
}

const describeCase = (c: FuzzCase) =>
  `${c.method} ${c.url.slice(0, 200)} ${JSON.stringify(c.headers).slice(0, 200)} body=${JSON.stringify(c.body?.slice(0, 60))}`;

/**
 * URLs handed back to the caller (management URLs, a 202's Location) carry the caller's key on
 * purpose as a `code` query value, in whatever spelling it came; anything else must not.
 */
function leaks(text: string, secrets: string[]): string | undefined {
  const scrubbed = redactUrl(text);
  return [FUZZ_KEY, ...secrets].find((secret) => scrubbed.includes(secret));
}

function checkAnswer(c: FuzzCase, status: number, headers: Record<string, unknown>, body: string): string | undefined {
  if (status >= 500) return `status ${status}: ${body.slice(0, 200)}`;
  const leaked = leaks(`${JSON.stringify(headers)}\n${body}`, c.secrets);
  if (leaked) return `answer contains a secret (${leaked === FUZZ_KEY ? 'the key' : 'a wrong key'})`;
  if (status >= 400 && c.method !== 'HEAD') {
    const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : '';
    if (!contentType.startsWith('application/json')) return `error without JSON content type: ${contentType}`;
    try {
      const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
      if (typeof parsed.error !== 'string' || typeof parsed.message !== 'string')
        return `error body not {error, message}: ${body.slice(0, 200)}`;
    } catch {
      return `error body is not JSON: ${body.slice(0, 200)}`;
    }
  }
  return undefined;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const { config, stores } = testStores({
    AzureWebJobsStorage: options.connectionString,
    TASKHUB_HUB_NAME: options.hubName,
    TASKHUB_BODY_LIMIT: '65536',
  });
  await stores.management('AzureWebJobsStorage', options.hubName).ensure();
  let logged = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  const app = await buildApp({ config, stores, keys: [FUZZ_KEY], logger: pino({ level: 'debug' }, sink) });
  await app.ready();
  const document = JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const cases = generateCases(operationsOf(document), FUZZ_KEY, options.count, options.seed);
  const histogram: Record<string, number> = {};
  const failures: string[] = [];
  let nextIndex = 0;
  let done = 0;
  const worker = async () => {
    while (nextIndex < cases.length) {
      const c = cases[nextIndex++];
      let label: string;
      try {
        const res = await app.inject({ method: c.method as 'GET', url: c.url, headers: c.headers, payload: c.body });
        label = String(res.statusCode);
        const problem = checkAnswer(c, res.statusCode, res.headers, res.body);
        if (problem) failures.push(`${problem} <- ${describeCase(c)}`);
      } catch (error) {
        label = 'crash';
        failures.push(`crash ${(error as Error).message} <- ${describeCase(c)}`);
      }
      histogram[label] = (histogram[label] ?? 0) + 1;
      options.onProgress?.(++done);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  } finally {
    await app.close();
    await stores.close();
  }
  // Every wrong key starts the same way, so one search per line finds any of them.
  const wrongPrefix = 'wrong-secret-';
  for (const line of logged.split('\n')) {
    const leaked = line.includes(FUZZ_KEY) || line.includes(wrongPrefix);
    if (leaked) failures.push(`log line contains a secret: ${line.slice(0, 300)}`);
    if (/"level":(50|60)/.test(line)) failures.push(`error logged: ${line.slice(0, 300)}`);
  }
  return { histogram, failures, cases: cases.length };
}
