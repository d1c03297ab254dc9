// The history view in a real Chromium: what each promotion moved, a step back marked by pipeline order, schedule
// windows in the viewer's time zone, and schedule commits filtered in or out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_FIXTURE } from '@cascade/aggregator/testing';
import { startDashboard, type Dashboard } from './support/dashboard.ts';

let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startDashboard({ fixture: HISTORY_FIXTURE });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** The timeline entry of a fixture commit. */
const entryOf = (page: Awaited<ReturnType<Dashboard['open']>>, name: string) => page.locator(`li[data-commit="${dashboard.fx.commits[name]}"]`);

describe('the history view', () => {
  it('says what a promotion moved and marks the manual downgrade, but not a move whose order is unknown', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history' });
    const downgrade = entryOf(page, 'downgrade-pp').locator('.subject');
    await downgrade.waitFor();
    expect(await downgrade.textContent()).toBe('Promote dev → pp: shop/cart 1.5.2 → 1.5.1 (downgrade), payments 0c3d7b2 → e4f2a91 (downgrade)');
    expect(await entryOf(page, 'to-pp').locator('.subject').textContent()).toBe('Promote dev → pp: shop/cart 1.5.2 (new), payments 0c3d7b2 (new)');
    // prod's 1.6.0 was never pushed: the numbers say "older", but only the pipeline order may say "downgrade".
    expect(await entryOf(page, 'to-prod').locator('.subject').textContent()).toBe('Promote pp → prod: shop/cart 1.6.0 → 1.5.1');
  });

  it('gives a schedule window in the viewer’s time zone', async () => {
    const berlin = await dashboard.open({ role: 'viewer', hash: '#/history?type=Schedule', timezoneId: 'Europe/Berlin' });
    const inBerlin = entryOf(berlin, 'schedule').locator('.subject');
    await inBerlin.waitFor();
    expect(await inBerlin.textContent()).toBe('Schedule prod: next window Thu 3 Dec 06:00');
    const newYork = await dashboard.open({ role: 'viewer', hash: '#/history?type=Schedule', timezoneId: 'America/New_York' });
    const inNewYork = entryOf(newYork, 'schedule').locator('.subject');
    await inNewYork.waitFor();
    expect(await inNewYork.textContent()).toBe('Schedule prod: next window Thu 3 Dec 00:00');
  });

  it('hides schedule commits on request, keeps that in the URL, and lists only them by type', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history' });
    await entryOf(page, 'schedule').waitFor();
    await page.getByLabel('Hide schedule commits').check();
    await entryOf(page, 'schedule').waitFor({ state: 'detached' });
    await entryOf(page, 'downgrade-pp').waitFor();
    expect(page.url()).toContain('excludeType=Schedule');
    const types = await page.locator('li[data-type]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')));
    expect(types).not.toContain('Schedule');
    await page.getByLabel('Hide schedule commits').uncheck();
    await page.getByLabel('Type').selectOption('Schedule');
    await page.locator('li[data-type="Transition"]').first().waitFor({ state: 'detached' });
    const only = await page.locator('li[data-type]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type')));
    expect(only).toEqual(['Schedule']);
  });
});
