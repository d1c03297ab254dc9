// The page after its live connection is lost, in a real Chromium: the aggregator really stops once the data has
// loaded, and the page says since when what it shows is (the last update that arrived) and greys it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Dashboard } from './support/dashboard.ts';
import { startExampleDashboard } from './support/example-dashboard.ts';

let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startExampleDashboard();
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** The browser's clock while the data arrives, and the later moment the connection is cut (both fixed, so exact). */
const ARRIVED = new Date('2026-12-02T15:04:05Z');
const CUT = new Date('2026-12-02T15:31:00Z');

/** Waits until both stand-ins' reports are on the page, after which an idle pipeline sends nothing more. */
async function settled(page: Page): Promise<void> {
  await page.locator('[data-status="failed"]').first().waitFor();
  await page.getByRole('list', { name: 'Conditions of the promotion from pp into prod' }).waitFor();
}

describe('a lost connection', () => {
  it('says the data is as of the last update that arrived, not when the loss was noticed, and greys the page', async () => {
    const page = await dashboard.open({ role: 'viewer', timezoneId: 'Asia/Kolkata', prepare: (context) => context.clock.setFixedTime(ARRIVED) });
    await settled(page);
    expect(await page.evaluate('document.documentElement.hasAttribute("data-stale")')).toBe(false);
    await page.clock.setFixedTime(CUT);
    await dashboard.stopServer();
    const banner = page.getByTestId('connection-lost');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Cannot reach Cascade');
    // 15:04:05 UTC is 20:34:05 in Kolkata; the loss was noticed at 21:01:00 there.
    const asOf = banner.getByTestId('data-as-of');
    expect(await asOf.textContent()).toBe('20:34:05');
    expect(await asOf.getAttribute('datetime')).toBe(ARRIVED.toISOString());
    expect((await banner.textContent())?.replace(/\s+/g, ' ')).toContain('What you see is as of 20:34:05, when the last update arrived, and may be out of date.');
    expect(await page.evaluate('document.documentElement.hasAttribute("data-stale")')).toBe(true);
    // Page code as a string: this project type-checks without the DOM library.
    const look = await page.evaluate<{ opacity: string; filter: string }>(
      '(() => { const style = getComputedStyle(document.querySelector("main")); return { opacity: style.opacity, filter: style.filter }; })()',
    );
    expect(Number(look.opacity)).toBeLessThan(1);
    expect(look.filter).toContain('grayscale');
    // The data stays on screen, greyed: the matrix still shows what it showed.
    expect(await page.locator('[data-resource="shop/cart"] a[data-env="pp"] .version').textContent()).toBe('1.4.1');
  });
});
