// The main views at laptop and phone width, light and dark, with every rollout state on screen. Pictures go to a
// temp dir; CASCADE_UI_SCREENSHOTS=1 writes them to docs/screenshots for the documentation instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Dashboard } from './support/dashboard.ts';
import { startExampleDashboard } from './support/example-dashboard.ts';

const OUT = process.env.CASCADE_UI_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url)) : mkdtempSync(join(tmpdir(), 'cascade-shots-'));
const PHONE = { width: 390, height: 844 };
let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startExampleDashboard();
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** Waits until the deployer's report has reached the page (a failed badge is on screen). */
async function settled(page: Page): Promise<void> {
  await page.locator('[data-status="failed"]').first().waitFor();
}

/** Tells whether the page itself scrolls sideways (the matrix may; the page must not). */
const pageOverflows = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');

describe('screenshots of the main views', () => {
  it('matrix, light and dark, with every state visible', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await dashboard.open({ role: 'operator', colorScheme, viewport: { width: 1280, height: 560 } });
      await settled(page);
      expect(await page.locator('[data-status="progress"]').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUT, colorScheme === 'light' ? 'matrix.png' : 'matrix-dark.png') });
    }
  });

  it('resource detail with a failed rollout and its error', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/payments?env=pp', viewport: { width: 1280, height: 900 } });
    await page.locator('section.env-card[data-env="pp"] .errors').waitFor();
    expect(await page.locator('section.env-card[data-env="pp"] .errors').textContent()).toContain('pp/base/payments.yaml');
    await page.screenshot({ path: join(OUT, 'detail.png'), fullPage: true });
  });

  it('the rollback dialog: the versions the environment ran, and the downstream environments', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=dev', viewport: { width: 1280, height: 900 } });
    await page.locator('section.env-card[data-env="dev"]').getByRole('button', { name: 'Roll back to…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back shop/cart in dev' });
    await dialog.locator('input[data-version="1.4.1"]').check();
    await dialog.locator('fieldset.also').waitFor();
    await page.screenshot({ path: join(OUT, 'rollback.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the promote dialog: what a manual promotion overrides and what it still needs', async () => {
    const page = await dashboard.open({ role: 'operator', viewport: { width: 1280, height: 800 } });
    await settled(page);
    await page.locator('[role="columnheader"][data-env="prod"]').getByRole('button', { name: 'Promote pp → prod now' }).click();
    await page.getByRole('dialog', { name: 'Promote pp → prod now?' }).waitFor();
    await page.screenshot({ path: join(OUT, 'promote.png') });
  });

  it('history with a changelog open', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history', viewport: { width: 1280, height: 800 } });
    const entry = page.locator('li[data-type="Version"]').first();
    await entry.getByText('Changelog').click();
    await page.screenshot({ path: join(OUT, 'history.png') });
  });

  it('sign-in: one card; a token that was not accepted says so once', async () => {
    const page = await dashboard.open({ viewport: { width: 1280, height: 560 } });
    await page.getByTestId('sign-in').getByPlaceholder('Paste a token').fill('not-a-real-token');
    await page.getByTestId('sign-in').getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('sign-in-error').waitFor();
    await page.screenshot({ path: join(OUT, 'signin.png') });
  });

  it('phone width: cards instead of the matrix, nothing sideways; the detail stacks', async () => {
    const page = await dashboard.open({ role: 'operator', viewport: PHONE });
    await settled(page);
    expect(await pageOverflows(page)).toBe(false);
    await page.screenshot({ path: join(OUT, 'phone-matrix.png') });
    // Further down: the resources, each environment on a line of its own.
    await page.locator('[data-resource="payments"]').evaluate((card) => card.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(OUT, 'phone-resources.png') });
    await page.goto(`${dashboard.url}/#/resource/shop%2Fcart`);
    await page.locator('section.env-card').first().waitFor();
    expect(await pageOverflows(page)).toBe(false);
    await page.screenshot({ path: join(OUT, 'phone-detail.png') });
  });
});
