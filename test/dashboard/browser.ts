// Drives Debian's Chromium (/usr/bin/chromium, installed by .ci/run) through playwright-core; no
// browser is ever downloaded. A real taskhub server with its worker runs on a fresh task hub.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startServer, type RunningServer } from '../../src/server.js';
import { azuriteConnectionString, freshHubName } from '../helpers/hub.js';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from './chromium.js';
import { testConfig } from '../helpers/stores.js';

export const ADMIN_KEY = 'dashboard-admin-key-0123456789';
export const READ_KEY = 'dashboard-read-key-0123456789';
export const BASE = '/runtime/webhooks/durabletask';

export interface DashboardFixture {
  url: string;
  hub: string;
  context: BrowserContext;
  /** Console errors and page errors of every tab (CSP violations show up here). */
  consoleErrors: string[];
  /** A new tab at the dashboard, signed in with the key. */
  open(key?: string, hash?: string): Promise<Page>;
  /** The management API, for setting up and checking state around the UI. */
  call(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; json: () => unknown }>;
  /** An instance's runtime status as the API reports it. */
  statusOf(id: string): Promise<string>;
  /** Starts a HumanApproval (waits for `Approval`, 10 minutes) and waits until it runs. */
  startApproval(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDashboard(): Promise<DashboardFixture> {
  requireChromium();
  const hub = freshHubName('ui');
  const dataDir = mkdtempSync(join(tmpdir(), 'taskhub-ui-'));
  const server: RunningServer = await startServer(
    testConfig({
      AzureWebJobsStorage: azuriteConnectionString(),
      TASKHUB_HUB_NAME: hub,
      TASKHUB_KEYS: ADMIN_KEY,
      TASKHUB_READ_KEYS: READ_KEY,
      TASKHUB_PARTITION_COUNT: '2',
      TASKHUB_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
    }),
  );
  const profile = mkdtempSync(join(tmpdir(), 'taskhub-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
    // Not UTC, and without daylight saving: "local time" must differ visibly from UTC.
    timezoneId: 'Asia/Tokyo',
  });
  // The machine may be busy (CI runs the suites in parallel): generous waits, never fixed sleeps.
  context.setDefaultTimeout(60_000);
  const consoleErrors: string[] = [];
  context.on('page', (page) => {
    page.on('console', (m) => {
      // 4xx answers the UI asked for on purpose are logged by the browser as failed loads.
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  const fixture: DashboardFixture = {
    url: server.url,
    hub,
    context,
    consoleErrors,
    async open(key = ADMIN_KEY, hash = '#/') {
      const page = await context.newPage();
      await page.goto(`${server.url}/dashboard${hash}`);
      await page.getByLabel(/key/i).fill(key);
      await page.getByRole('button', { name: 'Use key' }).click();
      await page.getByRole('button', { name: 'Forget key' }).waitFor();
      return page;
    },
    async call(method, path, body, key = ADMIN_KEY) {
      const response = await fetch(`${server.url}${BASE}${path}`, {
        method,
        headers: { 'x-functions-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, json: () => JSON.parse(text) as unknown };
    },
    async statusOf(id) {
      return ((await fixture.call('GET', `/instances/${encodeURIComponent(id)}`)).json() as { runtimeStatus: string }).runtimeStatus;
    },
    async startApproval(id) {
      const res = await fixture.call('POST', `/orchestrators/HumanApproval/${id}`, { timeoutSeconds: 600 });
      expect(res.status).toBe(202);
      await until(`${id} running`, async () => (await fixture.statusOf(id)) === 'Running');
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Polls `check` until it holds; the machine may be busy, so the limit is generous and nothing is timed. */
export async function until(what: string, check: () => Promise<boolean>, timeoutInMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The instance page shows this status (it refreshes itself; Refresh makes it quicker). */
export async function pageShows(page: Page, status: string): Promise<void> {
  await until(`page to show ${status}`, async () => {
    if ((await page.locator('#runtime-status').textContent()) === status) return true;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#runtime-status').waitFor();
    return (await page.locator('#runtime-status').textContent()) === status;
  });
}

/** The page body is no wider than the window: nothing scrolls sideways. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
