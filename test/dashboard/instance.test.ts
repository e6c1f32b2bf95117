// The instance page and the pages around it in a real browser against a real server with its
// worker: every action with its confirmation and the API's refusal, raising an event (invalid JSON
// never sent) and the wait drawn as a bar, a long history paged, starting from the registry's
// names, and the entities page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageShows, startDashboard, until, type DashboardFixture } from './browser.js';

let ui: DashboardFixture;

/**
 * Activities of the long history: its API view has one TaskCompleted per activity plus start and
 * end. 600 (602 events: 7 table pages, 5 timeline pages) proves the paging; the worker on Azurite
 * builds it in ~14 s on 2 busy cores, 1,200 took ~45 s (Azurite scans a partition per row written),
 * so long histories are for bench/dashboard-history.ts (5,000 activities: ~6 minutes).
 */
const LONG_ACTIVITIES = 600;

beforeAll(async () => {
  ui = await startDashboard();
}, 120_000);
afterAll(async () => {
  await ui?.close();
});

interface ViewEvent {
  EventType: string;
  Timestamp: string;
  Name?: string;
}

const actions = (page: Page) => page.getByRole('group', { name: 'Actions' });

/** Presses an action button, then the dialog's button of the same name (or Cancel). */
async function act(page: Page, name: string, answer: 'confirm' | 'cancel' = 'confirm'): Promise<void> {
  await actions(page).getByRole('button', { name, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: `${name} instance` }).waitFor();
  await dialog.getByRole('button', { name: answer === 'confirm' ? name : 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function alertSays(page: Page, text: RegExp): Promise<void> {
  await page.getByRole('alert').getByText(text).waitFor();
}

describe('instance page (Chromium)', { timeout: 240_000 }, () => {
  it('starts an orchestration named from the worker registry; rewinds it when it failed, and shows the refusals', async () => {
    const registered = ((await ui.call('GET', '/orchestrators')).json() as { names: string[] }).names;
    expect(registered).toContain('FlakySequence');
    const page = await ui.open();
    await page.getByRole('button', { name: 'Start orchestration' }).click();
    const dialog = page.getByRole('dialog');
    const nameField = dialog.getByLabel(/Orchestrator name/);
    await nameField.waitFor();
    // The name field offers exactly the registry's names.
    const offered = await dialog
      .locator(`datalist#${await nameField.getAttribute('list')} option`)
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(offered.sort()).toEqual([...registered].sort());
    await nameField.fill(offered.find((n) => n === 'FlakySequence')!);
    await dialog.getByLabel(/Instance ID/).fill('in-flaky-1');
    await dialog.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('heading', { name: 'Instance in-flaky-1' }).waitFor();
    await pageShows(page, 'Failed');

    // Every action is a button named by what it does.
    for (const name of ['Terminate', 'Suspend', 'Resume', 'Rewind', 'Restart', 'Purge', 'Raise event']) {
      expect(await actions(page).getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    // Cancel changes nothing.
    await act(page, 'Rewind', 'cancel');
    expect(await ui.statusOf('in-flaky-1')).toBe('Failed');
    await act(page, 'Rewind');
    await pageShows(page, 'Completed');
    expect((await ui.call('GET', '/instances/in-flaky-1')).json()).toMatchObject({ output: ['Hello Tokyo!', 'Recovered'] });
    // A completed instance: the API refuses rewind, suspend and resume, and the page says why.
    await act(page, 'Rewind');
    await alertSays(page, /InstanceNotFailed: .*only failed instances can be rewound/);
    await act(page, 'Suspend');
    await alertSays(page, /InstanceGone/);
    // Purged behind the page's back: the API refuses the restart (404) and the page says so.
    expect((await ui.call('DELETE', '/instances/in-flaky-1')).status).toBe(200);
    const refused = page.waitForResponse((r) => r.url().includes('/instances/in-flaky-1/restart'));
    await act(page, 'Restart');
    expect((await refused).status()).toBe(404);
    await alertSays(page, /InstanceNotFound: No instance with ID 'in-flaky-1' was found/);
    expect(await page.getByRole('status').getByRole('link').count()).toBe(0);
    await page.close();
  });

  it('suspends and resumes a running instance; resume of a running one shows the API error', async () => {
    await ui.startApproval('in-suspend-1');
    const page = await ui.open(undefined, '#/instance/in-suspend-1');
    await pageShows(page, 'Running');
    await act(page, 'Resume');
    await alertSays(page, /is Running, not suspended; there is nothing to resume/);
    await act(page, 'Suspend', 'cancel');
    expect(await ui.statusOf('in-suspend-1')).toBe('Running');
    await act(page, 'Suspend');
    await pageShows(page, 'Suspended');
    await act(page, 'Suspend');
    await alertSays(page, /already suspended/);
    await act(page, 'Resume');
    await pageShows(page, 'Running');
    await page.close();
  });

  it('restarts a finished instance under a new id and purges it; purge of a vanished one shows the 404', async () => {
    const res = await ui.call('POST', '/orchestrators/E1_HelloSequence/in-restart-1', 'x');
    expect(res.status).toBe(202);
    await until('in-restart-1 completed', async () => (await ui.statusOf('in-restart-1')) === 'Completed');
    const page = await ui.open(undefined, '#/instance/in-restart-1');
    await pageShows(page, 'Completed');
    await act(page, 'Restart');
    const link = page.getByRole('status').getByRole('link');
    await link.waitFor();
    const newId = (await link.textContent())!;
    expect(newId).not.toBe('in-restart-1');
    await link.click();
    await page.getByRole('heading', { name: `Instance ${newId}` }).waitFor();
    await pageShows(page, 'Completed');

    await act(page, 'Purge', 'cancel');
    expect((await ui.call('GET', `/instances/${newId}`)).status).toBe(200);
    await act(page, 'Purge');
    await page.getByRole('heading', { name: 'Orchestration instances' }).waitFor();
    expect((await ui.call('GET', `/instances/${newId}`)).status).toBe(404);

    // Purged behind the page's back: the page's Purge shows the API's answer.
    await page.goto(`${ui.url}/dashboard#/instance/in-restart-1`);
    await pageShows(page, 'Completed');
    expect((await ui.call('DELETE', '/instances/in-restart-1')).status).toBe(200);
    await act(page, 'Purge');
    await alertSays(page, /InstanceNotFound: No instance with ID 'in-restart-1' was found/);
    await page.close();
  });

  it('rejects invalid event JSON before sending, raises the event, and draws the wait as a bar', async () => {
    await ui.startApproval('in-wait-1');
    const page = await ui.open(undefined, '#/instance/in-wait-1');
    const raised: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/raiseEvent/')) raised.push(r.url());
    });
    await page.getByLabel('Event name').fill('Approval');
    await page.getByLabel('Event data (JSON)').fill('{"approved": yes}');
    await actions(page).getByRole('button', { name: 'Raise event' }).click();
    await alertSays(page, /Event data is not valid JSON/);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(raised).toEqual([]);
    await page.getByLabel('Event data (JSON)').fill('{"approved": true}');
    await actions(page).getByRole('button', { name: 'Raise event' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Raise event' }).click();
    await pageShows(page, 'Completed');
    expect(raised).toHaveLength(1);

    // The wait: from the event before it in the history (the timer HumanApproval created as it
    // began waiting) to the event's arrival, on the axis from the start to the completion.
    const history = (
      (await ui.call('GET', '/instances/in-wait-1?showHistory=true')).json() as {
        historyEvents: ViewEvent[];
      }
    ).historyEvents;
    const at = (type: string) => Date.parse(history.find((e) => e.EventType === type)!.Timestamp);
    const t0 = at('ExecutionStarted');
    const span = at('ExecutionCompleted') - t0;
    const expected = { left: (at('TimerCreated') - t0) / span, width: (at('EventRaised') - at('TimerCreated')) / span };
    const bar = page.locator('.tl-bar.tl-wait');
    expect(await bar.count()).toBe(1);
    expect(await bar.getAttribute('aria-label')).toMatch(/^Wait for event Approval: /);
    const drawn = await bar.evaluate((el) => {
      const bar = el.getBoundingClientRect();
      const track = el.parentElement!.getBoundingClientRect();
      return { left: (bar.left - track.left) / track.width, width: bar.width / track.width };
    });
    expect(drawn.left).toBeCloseTo(expected.left, 1);
    expect(drawn.width).toBeCloseTo(expected.width, 1);
    expect(drawn.width).toBeGreaterThan(0.01);
    await page.close();
  });

  it('lists entities with their state and signals an operation from the page', async () => {
    expect((await ui.call('POST', '/entities/Account/in-acct-1?op=deposit', 10)).status).toBe(202);
    await until('the account to hold 10', async () => {
      const res = await ui.call('GET', '/entities/Account/in-acct-1');
      return res.status === 200 && res.json() === 10;
    });
    const page = await ui.open();
    await page.getByRole('link', { name: 'Entities' }).click();
    const row = page.getByRole('table', { name: 'Entities' }).getByRole('row').filter({ hasText: 'in-acct-1' });
    await row.waitFor();
    await row.getByText('10', { exact: true }).waitFor();
    await row.getByLabel(/Operation for/).fill('deposit');
    await row.getByLabel(/Input \(JSON\) for/).fill('5');
    await row.getByRole('button', { name: 'Signal' }).click();
    await page.getByText(/Signalled deposit to/).waitFor();
    await until('the page to show 15', async () => {
      if ((await row.getByText('15', { exact: true }).count()) === 1) return true;
      await page.getByRole('button', { name: 'Refresh' }).click();
      return false;
    });
    expect((await ui.call('GET', '/entities/Account/in-acct-1')).json()).toBe(15);
    await page.close();
  });

  it(`pages a history of ${LONG_ACTIVITIES + 2} events built by the worker: one page rendered, the next reachable`, async () => {
    const res = await ui.call('POST', '/orchestrators/FanOutFanIn/in-long-1', { count: LONG_ACTIVITIES });
    expect(res.status).toBe(202);
    await until('the long history to complete', async () => (await ui.statusOf('in-long-1')) === 'Completed', 200_000);
    const page = await ui.open(undefined, '#/instance/in-long-1');
    await page.getByText(`History (${LONG_ACTIVITIES + 2} events)`).waitFor();
    const table = page.getByRole('table', { name: 'History' });
    const rows = table.locator('tbody tr');
    const firstCell = () => rows.first().locator('td').first().textContent();
    expect(await rows.count()).toBe(100);
    await page.getByText(`Page 1 of ${Math.ceil((LONG_ACTIVITIES + 2) / 100)} (${LONG_ACTIVITIES + 2} events)`).waitFor();
    expect(await firstCell()).toBe('1');
    await page.getByRole('button', { name: 'Next events page' }).click();
    expect(await firstCell()).toBe('101');
    expect(await rows.count()).toBe(100);
    // The timeline is paged too: the orchestration plus one bar per activity.
    const bars = LONG_ACTIVITIES + 1;
    expect(await page.locator('.tl-bar').count()).toBe(150);
    await page.getByText(`Page 1 of ${Math.ceil(bars / 150)} (${bars} bars)`).waitFor();
    await page.getByRole('button', { name: 'Next bars page' }).click();
    await page.getByText(`Page 2 of ${Math.ceil(bars / 150)} (${bars} bars)`).waitFor();
    expect(await page.locator('.tl-bar').count()).toBe(150);
    // Filtering the table keeps it paged.
    await page.getByLabel('Filter history').fill('TaskCompleted');
    await page.getByText(`Page 1 of ${Math.ceil(LONG_ACTIVITIES / 100)} (${LONG_ACTIVITIES} events)`).waitFor();
    expect(await rows.count()).toBe(100);
    await page.close();
    expect(ui.consoleErrors).toEqual([]);
  });
});
