// The dashboard's static routes: public, offline (no external URL), locked down by CSP, and the
// root redirect leaves the API and the sample routes alone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardScriptBytes } from '../../src/dashboard/routes.js';
import { BASE, createTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('dashboard routes', () => {
  it('redirects the root to /dashboard and serves the page without a key', async () => {
    const root = await t.call('GET', '/', { noKey: true });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/dashboard');
    const page = await t.call('GET', '/dashboard', { noKey: true });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('/dashboard/assets/main.js');
  });

  it('serves every script from the project, with no external URL anywhere', async () => {
    const page = await t.call('GET', '/dashboard', { noKey: true });
    const assets = [...page.body.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    const seen = new Set<string>();
    while (assets.length) {
      const path = assets.pop()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await t.call('GET', path, { noKey: true });
      expect(res.statusCode, path).toBe(200);
      expect(res.body, path).not.toMatch(/https?:\/\//);
      for (const m of res.body.matchAll(/from '\.\/([\w-]+\.js)'/g)) assets.push(`/dashboard/assets/${m[1]}`);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
    expect(dashboardScriptBytes()).toBeLessThan(80_000);
  });

  it('answers 404 JSON for an unknown asset and leaves the API keyed', async () => {
    const missing = await t.call('GET', '/dashboard/assets/../../package.json', { noKey: true });
    expect(missing.statusCode).toBe(404);
    expect((await t.call('GET', '/dashboard/assets/nope.js', { noKey: true })).json()).toMatchObject({ error: 'RouteNotFound' });
    expect((await t.call('GET', `${BASE}/instances`, { noKey: true })).statusCode).toBe(401);
  });
});
