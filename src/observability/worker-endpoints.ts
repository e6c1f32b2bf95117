// The HTTP endpoints of a worker-only process (TASKHUB_METRICS_PORT): GET /metrics in the
// Prometheus text format, protected like the API's (the system key, header x-functions-key or
// query parameter code, unless TASKHUB_METRICS_PUBLIC=true); GET /health (liveness) and
// GET /health/ready (the worker is running) without a key, for probes. Plain node:http: a worker
// does not load Fastify for three routes.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyMatcher } from '../plugins/auth.js';
import type { Metrics } from './metrics.js';

export interface WorkerEndpointsOptions {
  host: string;
  port: number;
  metrics: Metrics;
  /** Keys accepted for /metrics; ignored when `public`. */
  keys: readonly string[];
  public: boolean;
  /** Whether the worker runs (it starts once storage answers). */
  ready: () => boolean;
}

export interface WorkerEndpoints {
  url: string;
  close(): Promise<void>;
}

const RETRY_AFTER_SECONDS = '5';

function json(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(JSON.stringify(body));
}

function presentedKey(request: IncomingMessage, url: URL): string | undefined {
  const header = request.headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  return fromHeader || url.searchParams.get('code') || undefined;
}

export async function serveWorkerEndpoints(options: WorkerEndpointsOptions): Promise<WorkerEndpoints> {
  const matches = keyMatcher(options.keys);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://worker');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path !== '/metrics' && path !== '/health' && path !== '/health/ready') {
      json(response, 404, {
        error: 'NotFound',
        message: `No route ${path}: a worker-only process serves /metrics, /health and /health/ready.`,
      });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      json(response, 405, { error: 'MethodNotAllowed', message: `${path} answers GET only.` }, { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/health') {
      json(response, 200, { status: 'ok', role: 'worker' });
      return;
    }
    if (path === '/health/ready') {
      if (options.ready()) json(response, 200, { status: 'ready', role: 'worker' });
      else json(response, 503, { status: 'not-ready', role: 'worker' }, { 'retry-after': RETRY_AFTER_SECONDS });
      return;
    }
    if (!options.public) {
      const key = presentedKey(request, url);
      if (key === undefined || !matches(key)) {
        const message =
          key === undefined
            ? 'A system key is required: send header x-functions-key or query parameter code.'
            : 'The system key is not valid.';
        json(response, 401, { error: 'Unauthorized', message });
        return;
      }
    }
    options.metrics.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => json(response, 500, { error: 'InternalError', message: 'The metrics could not be collected.' }),
    );
  });
  // Scrapers reuse connections; a stop must not wait for them.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
