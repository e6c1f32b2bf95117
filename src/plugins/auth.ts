// System-key authentication, like the Functions host: header `x-functions-key` first, then the
// `code` query parameter. Several keys may be valid at once (rotation). Comparison is constant-time.
// Read keys (TASKHUB_READ_KEYS, a taskhub addition) pass GET and HEAD only; anything else is 403.

import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the caller authenticated with; copied into generated management URLs. */
    authKey?: string;
    /** `read` for a read-only key; `admin` for a system key or when authentication is off. */
    authRole?: 'admin' | 'read';
  }
  interface FastifyContextConfig {
    /** Route served without a key (health, OpenAPI, docs). */
    public?: boolean;
  }
}

export interface AuthOptions {
  keys: readonly string[];
  /** Keys that may only read (GET, HEAD). */
  readKeys?: readonly string[];
  noAuth: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

// Hashing first gives equal-length buffers, so timingSafeEqual never leaks a key's length. Every
// request hashes the key it presents: the one-shot hash skips the Hash object a createHash chain
// builds and discards each time.
const digest = (text: string) => hash('sha256', text, 'buffer');

export function keyMatcher(keys: readonly string[]): (candidate: string) => boolean {
  const classify = keyClassifier(keys, []);
  return (candidate) => classify(candidate) === 'admin';
}

/**
 * The role a presented key grants: `admin` for a system key, `read` for a read key, else undefined.
 * The key set's digests are computed once; per request the candidate is hashed once and compared
 * with every digest of both lists, so timing tells neither which kind of key was sent nor its length.
 */
function keyClassifier(adminKeys: readonly string[], readKeys: readonly string[]): (candidate: string) => 'admin' | 'read' | undefined {
  const digests = [...adminKeys.map(digest), ...readKeys.map(digest)];
  const adminCount = adminKeys.length;
  return (candidate) => {
    const given = digest(candidate);
    let admin = false;
    let reader = false;
    for (let i = 0; i < digests.length; i++) {
      const equal = timingSafeEqual(given, digests[i]);
      if (i < adminCount) admin = equal || admin;
      else reader = equal || reader;
    }
    return admin ? 'admin' : reader ? 'read' : undefined;
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
  const classify = keyClassifier(options.keys, options.readKeys ?? []);
  // A key in both lists is a system key; whoever meant it to be read-only should hear so (the keys
  // themselves are never logged).
  const both = new Set(options.keys.filter((key) => options.readKeys?.includes(key))).size;
  if (both > 0) {
    app.log.warn(`${both} key(s) are in both TASKHUB_KEYS and TASKHUB_READ_KEYS: such a key has full rights, not read-only ones.`);
  }

  app.addHook('onRequest', async (request, reply) => {
    // Unmatched URLs answer 404 whoever asks: there is nothing behind them to protect.
    if (request.routeOptions.url === undefined) return;
    if (request.routeOptions.config?.public || isDocs(request.routeOptions.url)) return;
    const key = presentedKey(request);
    // Both lists are always checked, so timing does not tell which kind of key was sent.
    const role = key === undefined ? undefined : classify(key);
    const admin = role === 'admin';
    const reader = role === 'read';
    const forbidden = !admin && reader && !READ_METHODS.has(request.method);
    // Runs before the body is parsed; closing the connection after the 401/403 means a body the
    // caller may not send is never read (Node would otherwise drain it to keep the connection alive).
    if ((!admin && !reader) || forbidden) reply.header('connection', 'close');
    if (key === undefined) {
      throw new DomainError('Unauthorized', 'A system key is required: send header x-functions-key or query parameter code.');
    }
    if (!admin && !reader) throw new DomainError('Unauthorized', 'The system key is not valid.');
    request.authKey = key;
    request.authRole = admin ? 'admin' : 'read';
    if (forbidden) {
      throw new DomainError('Forbidden', 'This key is read-only: it may only read (GET); use a system key for changes.');
    }
  });
}
