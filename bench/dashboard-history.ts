// Issue 11's long-history goal in a real browser: "histories of 10,000 events stay responsive".
// The worker builds the history (FanOutFanIn with N activities: N TaskScheduled and N TaskCompleted
// rows in storage, which the API's view folds into N + 2 events: each TaskCompleted carries its
// ScheduledTime), then Debian's Chromium opens the dashboard's instance page and this prints:
//   1. how long the worker took to build the history (and how often a status poll met a busy emulator)
//   2. GET /instances/{id}?showHistory=true (and the dashboard's own query): time and bytes
//   3. the instance page: time until "History (N + 2 events)" and the first 100 rows are shown,
//      opened from the list (a hash change) and by a full reload; the longest main-thread task
//   4. "Next events page", "Next bars page" and filtering the table to TaskCompleted: the click's
//      handler and the time until the next frame is painted (measured in the page)
//   5. the page's JS heap after a garbage collection, and its DOM size
//   6. the load average at start and end (2 shared cores: the figures are noisy)
// The default, 5,000 activities, gives 5,002 events. 10,000 (10,002 events) did not finish on
// Azurite within 45 minutes: from ~15 minutes on nearly every status read was refused (503) and the
// work-item queue held ~24,000 messages for the 10,000 activities.
// Usage: npx tsx bench/dashboard-history.ts [activities=5000]   (needs /usr/bin/chromium or
// TASKHUB_CHROMIUM; a fresh in-memory Azurite; no real data)

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { startAzurite } from '../src/storage/azure/index.js';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from '../test/dashboard/chromium.js';

const ACTIVITIES = Number(process.argv[2] ?? 5000);
const EVENTS = ACTIVITIES + 2;
const BARS = ACTIVITIES + 1;
const BUILD_TIMEOUT_IN_MS = 60 * 60_000;
const KEY = 'bench-dashboard-history-key-0123456789';
const BASE = '/runtime/webhooks/durabletask';
const RUNS = 5;

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

requireChromium();
console.log(`load average at start: ${load()}`);

const azurite = await startAzurite();
const dataDir = mkdtempSync(join(tmpdir(), 'taskhub-bench-history-'));
const server = await startServer(
  loadConfig({
    AzureWebJobsStorage: azurite.connectionString,
    TASKHUB_HUB_NAME: 'BenchDashboardHistory',
    TASKHUB_KEYS: KEY,
    TASKHUB_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    // A busy emulator makes the server log refusals (503) and retried episodes: counted below instead.
    LOG_LEVEL: 'silent',
  }),
);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${BASE}${path}`, {
    method,
    headers: { 'x-functions-key': KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

// 1. The history, built by the worker.
const id = `history-${ACTIVITIES}`;
const buildStart = performance.now();
const started = await call('POST', `/orchestrators/FanOutFanIn/${id}`, { count: ACTIVITIES });
if (started.status !== 202) throw new Error(`start: ${started.status} ${started.text}`);
let lastReport = buildStart;
let polls = 0;
let refused = 0;
for (;;) {
  const res = await call('GET', `/instances/${id}`);
  polls++;
  // 200 once finished, 202 while running; 503 means storage answered too slowly (a busy emulator): ask again.
  const answered = res.status === 200 || res.status === 202;
  if (!answered) refused++;
  const status = answered ? (JSON.parse(res.text) as { runtimeStatus: string }).runtimeStatus : `HTTP ${res.status}`;
  if (status === 'Completed') break;
  if (status === 'Failed' || status === 'Terminated') throw new Error(`FanOutFanIn ended ${status}: ${res.text.slice(0, 500)}`);
  const now = performance.now();
  if (now - buildStart > BUILD_TIMEOUT_IN_MS)
    throw new Error(`FanOutFanIn not completed after ${BUILD_TIMEOUT_IN_MS / 60_000} min (${status})`);
  if (now - lastReport > 60_000) {
    console.log(`  building: ${status} after ${((now - buildStart) / 1000).toFixed(0)} s; load average ${load()}`);
    lastReport = now;
  }
  await sleep(1000);
}
console.log(
  `FanOutFanIn with ${ACTIVITIES} activities completed in ${((performance.now() - buildStart) / 1000).toFixed(1)} s ` +
    `(${refused} of ${polls} status polls refused by a busy emulator); load average ${load()}`,
);

// 2. The API's answer, as any client and as the dashboard asks for it: one call to warm up, then
// the two queries in turn.
const queries: [string, string][] = [
  ['GET ?showHistory=true', 'showHistory=true'],
  ["GET with the dashboard's query (+ showHistoryOutput, showInput)", 'showHistory=true&showHistoryOutput=true&showInput=true'],
];
const answered = queries.map(() => ({ times: [] as number[], bytes: 0, events: 0 }));
await call('GET', `/instances/${id}?showHistory=true`);
for (let r = 0; r < RUNS; r++) {
  for (const [i, [label, query]] of queries.entries()) {
    const t0 = performance.now();
    const res = await call('GET', `/instances/${id}?${query}`);
    answered[i].times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${label}: ${res.status}`);
    answered[i].bytes = Buffer.byteLength(res.text);
    answered[i].events = (JSON.parse(res.text) as { historyEvents: unknown[] }).historyEvents.length;
  }
}
for (const [i, [label]] of queries.entries()) {
  const { times, bytes, events } = answered[i];
  console.log(`${label}: median ${fmt(median(times))}, max ${fmt(Math.max(...times))} over ${RUNS} runs; ${kb(bytes)}, ${events} events`);
}

// 3-5. The page.
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
context.setDefaultTimeout(120_000);
// Main-thread tasks over 50 ms, collected from the page's start.
await context.addInitScript(() => {
  const w = window as unknown as { longTasks: number[] };
  w.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
});
const page = await context.newPage();
const pageErrors: string[] = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
console.log(`Chromium ${browser.version()}`);

// The key is entered once; it stays in the tab's session storage across reloads.
await page.goto(`${server.url}/dashboard#/`);
await page.getByLabel(/key/i).fill(KEY);
await page.getByRole('button', { name: 'Use key' }).click();
await page.getByRole('button', { name: 'Forget key' }).waitFor();
await page.getByRole('heading', { name: 'Orchestration instances' }).waitFor();

const heading = page.getByText(`History (${EVENTS} events)`);
const rows = page.getByRole('table', { name: 'History' }).locator('tbody tr');

async function historyShown(): Promise<void> {
  await heading.waitFor();
  const count = await rows.count();
  if (count !== 100) throw new Error(`${count} rows shown, not 100`);
}

/** The page's own timing of the history request: time from its start to its last byte, and bytes. */
async function historyRequest(p: Page): Promise<string> {
  const entry = await p.evaluate(() => {
    const all = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const last = all.filter((e) => e.name.includes('showHistory=true')).pop();
    return last ? { ms: last.responseEnd - last.startTime, bytes: last.decodedBodySize } : undefined;
  });
  return entry ? `its history request ${fmt(entry.ms)} (${kb(entry.bytes)})` : 'its history request not seen';
}

const longest = (p: Page) => p.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));

// Opened from the list: a hash change, the app already loaded.
await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
let t0 = performance.now();
await page.evaluate((hash) => (location.hash = hash), `#/instance/${encodeURIComponent(id)}`);
await historyShown();
console.log(
  `instance page from the list: "History (${EVENTS} events)" and 100 rows after ${fmt(performance.now() - t0)}; ` +
    `${await historyRequest(page)}; longest main-thread task ${fmt(await longest(page))}`,
);

// A full reload of the instance page: the app's scripts, the key check, then the instance.
t0 = performance.now();
await page.reload();
await historyShown();
console.log(
  `instance page, full reload: "History (${EVENTS} events)" and 100 rows after ${fmt(performance.now() - t0)}; ` +
    `${await historyRequest(page)}; longest main-thread task ${fmt(await longest(page))}`,
);

/** What a user does on the page: presses a button (by its accessible name) or types into the filter. */
type Act = { press: string } | { filter: string };

/**
 * Does `act` in the page (no protocol round trip in the figure) and reports the synchronous
 * handler's time and the time until the frame after it has been painted (a frame, then a task).
 */
async function inPage(label: string, act: Act, check: () => Promise<void>): Promise<void> {
  const times = await page.evaluate(async (what) => {
    const start = performance.now();
    if ('press' in what) {
      document.querySelector<HTMLButtonElement>(`button[aria-label="${what.press}"]`)!.click();
    } else {
      const field = document.getElementById('history-filter') as HTMLInputElement;
      field.value = what.filter;
      field.dispatchEvent(new Event('input'));
    }
    const handler = performance.now() - start;
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    return { handler, painted: performance.now() - start };
  }, act);
  await check();
  console.log(`${label}: handler ${fmt(times.handler)}, painted after ${fmt(times.painted)}`);
}

const firstCell = () => rows.first().locator('td').first().textContent();
await inPage('Next events page', { press: 'Next events page' }, async () => {
  if ((await firstCell()) !== '101') throw new Error(`next events page starts at ${await firstCell()}`);
  await page.getByText(`Page 2 of ${Math.ceil(EVENTS / 100)} (${EVENTS} events)`).waitFor();
});
await inPage('Next bars page', { press: 'Next bars page' }, async () => {
  await page.getByText(`Page 2 of ${Math.ceil(BARS / 150)} (${BARS} bars)`).waitFor();
  if ((await page.locator('.tl-bar').count()) !== 150) throw new Error('not 150 bars on the second timeline page');
});
await inPage('filter the table to TaskCompleted', { filter: 'TaskCompleted' }, async () => {
  await page.getByText(`Page 1 of ${Math.ceil(ACTIVITIES / 100)} (${ACTIVITIES} events)`).waitFor();
  if ((await rows.count()) !== 100) throw new Error('not 100 filtered rows');
});

const cdp = await context.newCDPSession(page);
await cdp.send('HeapProfiler.collectGarbage');
const heap = await cdp.send('Runtime.getHeapUsage');
const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
console.log(`page JS heap after GC: ${mb(heap.usedSize)} used of ${mb(heap.totalSize)}; ${nodes} DOM elements`);
if (pageErrors.length) console.log(`page errors: ${pageErrors.join(' | ')}`);
console.log(`load average at end: ${load()} (2 cores shared: figures are noisy)`);

await browser.close();
await server.close();
await azurite.stop();
rmSync(dataDir, { recursive: true, force: true });
