// The operator dashboard: static assets served at /dashboard (the root redirects there). The page
// holds no data and needs no key; it calls the public API with the key the operator types in.

import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const ASSET_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'assets');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Everything from the project itself: no CDN, no inline script, nothing framed. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
}

/** Read once at start-up: a handful of small files, and no path from a request ever reaches the disk. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(ASSET_DIR)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { body: readFileSync(join(ASSET_DIR, name)), type });
  }
  return assets;
}

function send(reply: FastifyReply, asset: Asset): FastifyReply {
  return reply
    .code(200)
    .type(asset.type)
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(asset.body);
}

/** Bytes of JavaScript the dashboard ships (README states it; a test keeps it honest). */
export function dashboardScriptBytes(): number {
  return [...loadAssets()].filter(([name]) => name.endsWith('.js')).reduce((sum, [, asset]) => sum + asset.body.length, 0);
}

export function registerDashboard(app: FastifyInstance): void {
  const assets = loadAssets();
  const page = assets.get('index.html');
  if (!page) throw new Error('src/dashboard/assets/index.html is missing.');
  const publicRoute = { schema: { hide: true }, config: { public: true } };

  app.get('/', publicRoute, async (_request, reply) => reply.redirect('/dashboard', 302));
  app.get('/dashboard', publicRoute, async (_request, reply) => send(reply, page));
  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', publicRoute, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).send({ error: 'RouteNotFound', message: 'No such dashboard asset.' });
    return send(reply, asset);
  });
}
