// System-key authentication, like the Functions host: header `x-functions-key` first, then the
// `code` query parameter. Several keys may be valid at once (rotation). Comparison is constant-time.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the caller authenticated with; copied into generated management URLs. */
    authKey?: string;
  }
  interface FastifyContextConfig {
    /** Route served without a key (health, OpenAPI, docs). */
    public?: boolean;
  }
}

export interface AuthOptions {
  keys: readonly string[];
  noAuth: boolean;
}

// Hashing first gives equal-length buffers, so timingSafeEqual never leaks a key's length.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export function keyMatcher(keys: readonly string[]): (candidate: string) => boolean {
  const digests = keys.map(digest);
  return (candidate) => {
    const given = digest(candidate);
    let ok = false;
    for (const expected of digests) ok = timingSafeEqual(given, expected) || ok;
    return ok;
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  const code = (request.query as Record<string, unknown> | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

const isDocs = (url: string | undefined) => url !== undefined && (url === '/docs' || url.startsWith('/docs/'));

export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  if (options.noAuth) return;
  if (options.keys.length === 0) throw new Error('At least one system key is required unless authentication is disabled.');
  const matches = keyMatcher(options.keys);

  app.addHook('onRequest', async (request, reply) => {
    // Unmatched URLs answer 404 whoever asks: there is nothing behind them to protect.
    if (request.routeOptions.url === undefined) return;
    if (request.routeOptions.config?.public || isDocs(request.routeOptions.url)) return;
    const key = presentedKey(request);
    // Runs before the body is parsed; closing the connection after the 401 means an unauthenticated
    // body is never read (Node would otherwise drain it to keep the connection alive).
    if (key === undefined || !matches(key)) reply.header('connection', 'close');
    if (key === undefined) {
      throw new DomainError('Unauthorized', 'A system key is required: send header x-functions-key or query parameter code.');
    }
    if (!matches(key)) throw new DomainError('Unauthorized', 'The system key is not valid.');
    request.authKey = key;
  });
}
