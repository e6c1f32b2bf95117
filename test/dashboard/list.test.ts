// The instance list in a real browser against a real server with its worker: columns, counts,
// sorting within what is loaded, "Load more", auto-refresh, UTC or local times, time ranges, the
// filter kept in the URL, and the layout at 1280x800 and 390x844, by keyboard alone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_KEY, horizontalOverflow, startDashboard, until, type DashboardFixture } from './browser.js';

interface Listed {
  instanceId: string;
  createdTime: string;
  lastUpdatedTime: string;
}

let ui: DashboardFixture;
/** The instances under prefix `ls-` as the API lists them, read after the setup settled. */
let listed: Map<string, Listed>;

/** Waits until the clock is past the second after `iso` (server and test share the clock). */
async function secondAfter(iso: string): Promise<void> {
  const next = Date.parse(iso) + 1000;
  await until('the next second', () => Promise.resolve(Date.now() > next));
}

beforeAll(async () => {
  ui = await startDashboard();
  // Created in this order; ls-wait-1 is suspended last, so it is the oldest and the latest updated.
  // The table stores times to the second: a new second separates it from the others both ways.
  await ui.startApproval('ls-wait-1');
  await secondAfter(((await ui.call('GET', '/instances/ls-wait-1')).json() as Listed).createdTime);
  await ui.startApproval('ls-wait-2');
  expect((await ui.call('POST', '/orchestrators/E1_HelloSequence/ls-done-1')).status).toBe(202);
  await until('ls-done-1 completed', async () => (await ui.statusOf('ls-done-1')) === 'Completed');
  expect((await ui.call('POST', '/orchestrators/Counter/ls-counter-1', 5)).status).toBe(202);
  const customStatus = async () => ((await ui.call('GET', '/instances/ls-counter-1')).json() as { customStatus: unknown }).customStatus;
  await until('the counter at 5', async () => (await customStatus()) === 5);
  const before = (await ui.call('GET', '/instances?instanceIdPrefix=ls-&showInput=false')).json() as Listed[];
  await secondAfter(
    before
      .map((s) => s.lastUpdatedTime)
      .sort()
      .at(-1)!,
  );
  expect((await ui.call('POST', '/instances/ls-wait-1/suspend')).status).toBe(202);
  await until('ls-wait-1 suspended', async () => (await ui.statusOf('ls-wait-1')) === 'Suspended');
  const all = (await ui.call('GET', '/instances?instanceIdPrefix=ls-&showInput=false')).json() as Listed[];
  listed = new Map(all.map((s) => [s.instanceId, s]));
  expect(listed.size).toBe(4);
}, 180_000);
afterAll(async () => {
  await ui?.close();
});

const table = (page: Page) => page.getByRole('table', { name: 'Instances' });
/** The instance ids of the rows, top to bottom. */
const shownIds = (page: Page) => table(page).locator('tbody td.id a').allTextContents();

async function rowsAre(page: Page, count: number): Promise<void> {
  await until(`${count} rows`, async () => (await shownIds(page)).length === count, 30_000);
}

/** 2026-01-31 12:00:00 as the dashboard prints a time shifted by `offsetInMs`. */
const printed = (iso: string, offsetInMs: number) => new Date(Date.parse(iso) + offsetInMs).toISOString().slice(0, 19).replace('T', ' ');

/** The hash of the page's URL as search parameters. */
const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

describe('instance list (Chromium)', { timeout: 180_000 }, () => {
  it('shows every column, each id as a link to its page, and the counts per status', async () => {
    const page = await ui.open(undefined, '#/?range=1h&prefix=ls-');
    await rowsAre(page, 4);
    const headers = (await table(page).getByRole('columnheader').allTextContents()).filter(Boolean);
    expect(headers).toEqual(['Instance ID', 'Name', 'Status', 'Created', 'Last updated', 'Duration', 'Custom status']);
    for (const id of listed.keys()) {
      const link = table(page).getByRole('link', { name: id, exact: true });
      expect(await link.getAttribute('href')).toBe(`#/instance/${id}`);
    }
    const cells = await table(page).getByRole('row').filter({ hasText: 'ls-counter-1' }).getByRole('cell').allTextContents();
    const counter = listed.get('ls-counter-1')!;
    expect(cells.slice(1)).toEqual([
      'ls-counter-1',
      'Counter',
      'Running',
      `${printed(counter.createdTime, 0)} UTC`,
      `${printed(counter.lastUpdatedTime, 0)} UTC`,
      expect.stringMatching(/^\d+(\.\d)? s$|^\d+m( \d+s)?$/),
      '5',
    ]);
    const done = await table(page).getByRole('row').filter({ hasText: 'ls-done-1' }).getByRole('cell').allTextContents();
    expect(done.slice(2, 4)).toEqual(['E1_HelloSequence', 'Completed']);
    expect(done[6]).toMatch(/^\d+ ms$|^\d+\.\d s$/);
    const counts = page.getByRole('list', { name: 'Instances per status' });
    await counts.getByText('Total 4').waitFor();
    expect((await counts.getByRole('listitem').allTextContents()).sort()).toEqual(
      ['Total 4', 'Running 2', 'Completed 1', 'Suspended 1'].sort(),
    );
    await page.close();
  });

  it('sorts what is loaded by created or last-updated time, and prints times in UTC or local time', async () => {
    const page = await ui.open(undefined, '#/?range=1h&prefix=ls-');
    await rowsAre(page, 4);
    const sortBy = async (label: string, key: 'createdTime' | 'lastUpdatedTime', direction: 1 | -1) => {
      await page.getByLabel('Sort loaded rows').selectOption({ label });
      await until(`rows sorted by ${label}`, async () => {
        const times = (await shownIds(page)).map((id) => listed.get(id)![key]);
        return times.length === 4 && times.every((t, i) => i === 0 || t.localeCompare(times[i - 1]) * direction >= 0);
      });
      return shownIds(page);
    };
    expect((await sortBy('Created, newest first', 'createdTime', -1)).at(-1)).toBe('ls-wait-1');
    expect((await sortBy('Created, oldest first', 'createdTime', 1))[0]).toBe('ls-wait-1');
    expect(hashParams(page).get('sort')).toBe('created-asc');
    expect((await sortBy('Last updated, newest first', 'lastUpdatedTime', -1))[0]).toBe('ls-wait-1');
    expect((await sortBy('Last updated, oldest first', 'lastUpdatedTime', 1)).at(-1)).toBe('ls-wait-1');

    const created = listed.get('ls-done-1')!.createdTime;
    const createdCell = () => table(page).getByRole('row').filter({ hasText: 'ls-done-1' }).getByRole('cell').nth(4);
    expect(await createdCell().textContent()).toBe(`${printed(created, 0)} UTC`);
    await page.getByLabel('Times').selectOption({ label: 'Local time' });
    // The browser runs in Asia/Tokyo: UTC+9 all year.
    await until('local times', async () => (await createdCell().textContent()) === printed(created, 9 * 3600e3));
    expect(hashParams(page).get('tz')).toBe('local');
    await page.close();
  });

  it('keeps presets, a custom range, statuses and the name in the URL; a reload restores them', async () => {
    const page = await ui.open(undefined, '#/?range=15m&prefix=ls-');
    await rowsAre(page, 4);
    expect(
      await page
        .getByLabel('Created')
        .locator('option')
        .evaluateAll((options) => options.map((o) => o.textContent)),
    ).toEqual(['Last 15 minutes', 'Last hour', 'Last 24 hours', 'Last 7 days', 'Last 30 days', 'Any time', 'Custom range']);

    // A custom range in the past matches nothing; it is in the URL and survives a reload.
    await page.getByLabel('Created').selectOption({ label: 'Custom range' });
    await page.getByLabel('From (local time)').fill('2020-01-01T00:00');
    await page.getByLabel('To (local time)').fill('2020-01-02T00:00');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await table(page).getByText('No instances match.').waitFor();
    expect(Object.fromEntries(hashParams(page))).toEqual({
      range: 'custom',
      from: '2019-12-31T15:00:00.000Z',
      to: '2020-01-01T15:00:00.000Z',
      prefix: 'ls-',
    });
    await page.reload();
    await table(page).getByText('No instances match.').waitFor();
    expect(await page.getByLabel('Created').inputValue()).toBe('custom');
    expect(await page.getByLabel('From (local time)').inputValue()).toBe('2020-01-01T00:00');
    expect(await page.getByLabel('To (local time)').inputValue()).toBe('2020-01-02T00:00');
    expect(await page.getByLabel('Instance ID prefix').inputValue()).toBe('ls-');

    // A custom range around now, two statuses and a name prefix.
    const local = (offsetInMs: number) =>
      printed(new Date(Date.now() + offsetInMs).toISOString(), 9 * 3600e3)
        .replace(' ', 'T')
        .slice(0, 16);
    await page.getByLabel('From (local time)').fill(local(-3600e3));
    await page.getByLabel('To (local time)').fill(local(3600e3));
    const statuses = page.getByRole('group', { name: 'Status' });
    await statuses.getByLabel('Running').check();
    await statuses.getByLabel('Suspended').check();
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await rowsAre(page, 3);
    expect((await shownIds(page)).sort()).toEqual(['ls-counter-1', 'ls-wait-1', 'ls-wait-2']);
    expect(hashParams(page).get('status')).toBe('Running,Suspended');
    await page.getByLabel('Orchestrator name').fill('Count*');
    await page.getByRole('button', { name: 'Apply filter' }).click();
    await until('only the counter', async () => (await shownIds(page)).join() === 'ls-counter-1');
    const shared = page.url();
    expect(hashParams(page).get('name')).toBe('Count*');

    // The same link in a new tab shows the same view.
    const other = await ui.open(undefined, new URL(shared).hash);
    await until('the shared view', async () => (await shownIds(other)).join() === 'ls-counter-1');
    expect(await other.getByRole('group', { name: 'Status' }).getByLabel('Running').isChecked()).toBe(true);
    expect(await other.getByRole('group', { name: 'Status' }).getByLabel('Suspended').isChecked()).toBe(true);
    expect(await other.getByRole('group', { name: 'Status' }).getByLabel('Completed').isChecked()).toBe(false);
    expect(await other.getByLabel('Orchestrator name').inputValue()).toBe('Count*');
    await other.close();
    await page.close();
  });

  it('pages with "Load more" through continuation tokens', async () => {
    const ids = Array.from({ length: 56 }, (_, i) => `pg-${String(i).padStart(2, '0')}`);
    for (let i = 0; i < ids.length; i += 8) {
      const started = await Promise.all(
        ids.slice(i, i + 8).map((id) => ui.call('POST', `/orchestrators/HumanApproval/${id}`, { timeoutSeconds: 600 })),
      );
      expect(started.map((r) => r.status)).toEqual(started.map(() => 202));
    }
    const page = await ui.open(undefined, '#/?range=1h&prefix=pg-');
    const more = page.getByRole('button', { name: 'Load more' });
    await more.waitFor();
    const first = (await shownIds(page)).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(50);
    await page.getByText(`${first} loaded, more available.`).waitFor();
    while (await more.isVisible()) {
      const before = (await shownIds(page)).length;
      await more.click();
      await until('more rows', async () => (await shownIds(page)).length > before || !(await more.isVisible()));
    }
    const shown = await shownIds(page);
    expect([...new Set(shown)].sort()).toEqual(ids);
    expect(shown).toHaveLength(ids.length);
    await page.getByText(`${ids.length} loaded.`).waitFor();
    await page.close();
  });

  it('refreshes on its own every 1 s when asked, and not at all when off', async () => {
    const page = await ui.open(undefined, '#/?range=1h&prefix=ar-');
    await table(page).getByText('No instances match.').waitFor();
    const refresh = page.getByLabel('Auto-refresh');
    expect(await refresh.locator('option').allTextContents()).toEqual(['Off', 'Every 1 s', 'Every 5 s', 'Every 10 s']);
    await refresh.selectOption({ label: 'Every 1 s' });
    await until('refresh=1 in the URL', () => Promise.resolve(hashParams(page).get('refresh') === '1'));
    expect((await ui.call('POST', '/orchestrators/HumanApproval/ar-1', { timeoutSeconds: 600 })).status).toBe(202);
    // No click: the next refresh brings it.
    await table(page).getByRole('link', { name: 'ar-1' }).waitFor();

    await refresh.selectOption({ label: 'Off' });
    await until('refresh gone from the URL', () => Promise.resolve(!hashParams(page).has('refresh')));
    await page.getByText('1 loaded.').waitFor();
    const lists: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/instances?') || r.url().includes('/instances/counts')) lists.push(r.url());
    });
    await page.waitForTimeout(3500);
    expect(lists).toEqual([]);
    await page.close();
  });

  it('is readable at 1280x800 and 390x844 and usable by keyboard alone', async () => {
    const page = await ui.context.newPage();
    await page.goto(`${ui.url}/dashboard#/?range=1h&prefix=ls-`);
    // The key field's label names the key; it has the focus, so typing and Enter sign in.
    expect(await page.locator('label[for="key"]').textContent()).toMatch(/\bkey\b/i);
    await page.getByLabel(/key/i).waitFor();
    await page.keyboard.type(ADMIN_KEY);
    await page.keyboard.press('Enter');
    await rowsAre(page, 4);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

    // Tab to an instance link and open it with Enter.
    for (let i = 0; i < 80; i++) {
      if (await page.evaluate(() => document.activeElement?.textContent === 'ls-wait-2')) break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('ls-wait-2');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Instance ls-wait-2' }).waitFor();
    await page.locator('#runtime-status').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    // Tab to an action, open its confirmation with Enter, leave it with Escape: nothing happens.
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate(() => document.activeElement?.textContent === 'Terminate')) break;
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').getByRole('heading', { name: 'Terminate instance' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await ui.statusOf('ls-wait-2')).toBe('Running');

    // A phone-sized window: nothing scrolls sideways, on the list or the instance page.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.goto(`${ui.url}/dashboard#/?range=1h&prefix=ls-`);
    await rowsAre(page, 4);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.close();
    expect(ui.consoleErrors).toEqual([]);
  });
});
