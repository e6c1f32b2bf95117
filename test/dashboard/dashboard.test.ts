// The dashboard in a real browser against a real server with its worker: start, raise an event,
// terminate, a filter batch with every outcome, and a read-only key that sees no actions.
// TASKHUB_SCREENSHOTS=1 also refreshes the screenshots under docs/.

import { expect as vitestExpect, afterAll, beforeAll, describe, it } from 'vitest';
import { BASE, READ_KEY, pageShows, startDashboard, until, type DashboardFixture } from './browser.js';

let ui: DashboardFixture;
beforeAll(async () => {
  ui = await startDashboard();
}, 120_000);
afterAll(async () => {
  await ui?.close();
});

const shots = process.env.TASKHUB_SCREENSHOTS === '1';
const expect = vitestExpect;

const statusOf = (id: string) => ui.statusOf(id);
const startApproval = (id: string) => ui.startApproval(id);

describe('dashboard (Chromium)', { timeout: 180_000 }, () => {
  it('serves the page offline from the project: root redirects, no external URL in any asset', async () => {
    const root = await fetch(`${ui.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard');
    const page = await ui.context.newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(ui.url)) external.push(r.url());
    });
    await page.goto(`${ui.url}/dashboard`);
    await page.getByLabel(/key/i).waitFor();
    expect(external).toEqual([]);
    await page.close();
  });

  it('starts an instance from the UI and sees it complete', async () => {
    const page = await ui.open();
    await page.getByRole('button', { name: 'Start orchestration' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Orchestrator name').fill('E1_HelloSequence');
    await dialog.getByLabel('Instance ID').fill('ui-hello-1');
    await dialog.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: 'Instance ui-hello-1' }).waitFor();
    await pageShows(page, 'Completed');
    await page.getByText('"Hello Tokyo!"').first().waitFor();
    // History as a table and as a timeline with activity bars.
    expect(await page.getByRole('table', { name: 'History' }).getByText('TaskCompleted').count()).toBeGreaterThan(0);
    expect(await page.locator('.tl-bar.tl-activity').count()).toBe(3);
    // The orchestration's bar spans the whole axis (a re-render may be under way: measure until settled).
    const share = () =>
      page
        .locator('.tl-bar.tl-orchestration')
        .evaluate((el) => el.getBoundingClientRect().width / el.parentElement!.getBoundingClientRect().width);
    await until('the orchestration bar to span the axis', async () => (await share()) > 0.95, 10_000);
    if (shots) await page.screenshot({ path: 'docs/dashboard-instance.png', fullPage: false });
    await page.close();
  });

  it('raises an event to a waiting HumanApproval from the UI', async () => {
    await startApproval('ui-approval-1');
    const page = await ui.open(undefined, '#/instance/ui-approval-1');
    await page.getByLabel('Event name').fill('Approval');
    await page.getByLabel('Event data (JSON)').fill('{oops');
    await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Raise event' }).click();
    await page
      .getByRole('alert')
      .getByText(/not valid JSON/)
      .waitFor();
    await page.getByLabel('Event data (JSON)').fill('"approved by UI"');
    await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Raise event' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Raise event' }).click();
    await pageShows(page, 'Completed');
    expect(((await ui.call('GET', '/instances/ui-approval-1')).json() as { output: unknown }).output).toBe('approved by UI');
    await page.close();
  });

  it('terminates one instance, and shows the API error when it refuses', async () => {
    await startApproval('ui-terminate-1');
    const page = await ui.open(undefined, '#/instance/ui-terminate-1');
    await page.getByRole('button', { name: 'Terminate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Terminate' }).click();
    await pageShows(page, 'Terminated');
    await page.getByRole('button', { name: 'Terminate' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Terminate' }).click();
    await page
      .getByRole('alert')
      .getByText(/InstanceGone/)
      .waitFor();
    await page.close();
  });

  it('runs a batch terminate over a filter and shows every outcome', async () => {
    const ids = ['ui-batch-1', 'ui-batch-2', 'ui-batch-3', 'ui-batch-4'];
    for (const id of ids) await startApproval(id);
    const page = await ui.open(undefined, '#/?range=1h&status=Running&name=HumanApproval&prefix=ui-batch-');
    for (const id of ids) await page.getByRole('link', { name: id }).waitFor();
    if (shots) await page.screenshot({ path: 'docs/dashboard-list.png' });
    await page.getByLabel('All matching the filter').check();
    await page.getByLabel('Batch operation', { exact: true }).selectOption('terminate');
    await page.getByRole('button', { name: 'Batch…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Count instances' }).click();
    await dialog
      .getByText('Terminate will be applied to 4 instances.')
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\ndialog says: ${await dialog.innerText()}`);
      });
    await dialog.getByRole('button', { name: 'Terminate 4 instances' }).click();
    await dialog.getByText('4 of 4: 4 done, 0 skipped, 0 failed.').waitFor();
    for (const id of ids) await dialog.getByRole('table', { name: 'Outcomes' }).getByText(id).waitFor();
    if (shots) await page.screenshot({ path: 'docs/dashboard-batch.png' });
    await until('all terminated', async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 'Terminated'));
    await page.close();
  });

  it('gives a read-only key no action buttons; its writes are 403', async () => {
    await startApproval('ui-readonly-1');
    const page = await ui.open(READ_KEY, '#/?range=1h');
    await page.getByRole('link', { name: 'ui-readonly-1' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start orchestration' }).count()).toBe(0);
    expect(await page.getByRole('group', { name: 'Batch operations' }).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: /Select/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'ui-readonly-1' }).click();
    await page.getByRole('heading', { name: 'Instance ui-readonly-1' }).waitFor();
    for (const name of ['Terminate', 'Suspend', 'Resume', 'Rewind', 'Restart', 'Purge', 'Raise event']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    // Calling a write route anyway, from the page, with the same key.
    const status = await page.evaluate(
      async ([base, key]) => {
        const res = await fetch(`${base}/instances/ui-readonly-1/terminate`, { method: 'POST', headers: { 'x-functions-key': key } });
        return res.status;
      },
      [BASE, READ_KEY],
    );
    expect(status).toBe(403);
    expect(await statusOf('ui-readonly-1')).toBe('Running');
    await page.close();
  });

  it('is usable by keyboard alone and readable on a narrow screen', async () => {
    const page = await ui.context.newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto(`${ui.url}/dashboard`);
    await page.getByLabel(/key/i).waitFor();
    await page.keyboard.type('dashboard-admin-key-0123456789');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Forget key' }).waitFor();
    await page.getByRole('link', { name: 'ui-hello-1' }).waitFor();
    // The key is never put in the URL.
    expect(page.url()).not.toContain('dashboard-admin-key');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.getByRole('link', { name: 'ui-hello-1' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Instance ui-hello-1' }).waitFor();
    await page.close();
    expect(ui.consoleErrors).toEqual([]);
  });
});
