// The main views at laptop and phone width, light and dark, with every rollout state on screen, then the states the
// real services lead to (a promotion with what it moved, a held rollback, a locked environment, a lost connection),
// each made through the API or the real transitioner and checked on screen before the picture. Pictures go to a
// temp dir; CASCADE_UI_SCREENSHOTS=1 writes them to docs/screenshots for the documentation instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Dashboard } from './support/dashboard.ts';
import { startExampleDashboard } from './support/example-dashboard.ts';
import { exampleFiles } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';
import { runTransitionOnce } from './support/real-transitioner.ts';

const OUT = process.env.CASCADE_UI_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url)) : mkdtempSync(join(tmpdir(), 'cascade-shots-'));
const PHONE = { width: 390, height: 844 };
let dashboard: Dashboard;
/** Environments locked through the API, which the transitioner stand-in then reports locked too. */
const envLocks: Record<string, string[]> = {};

beforeAll(async () => {
  dashboard = await startExampleDashboard(envLocks);
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

// These change the example repo, so they come after the pictures of it as it starts, in this order.
describe('screenshots of what the services lead to', () => {
  it('history: a promotion by the real transitioner with what it moved, and its changelog', async () => {
    const push = await dashboard.call('POST', '/api/v1/versions', {
      role: 'ci',
      body: { resource: 'shop/checkout', version: '2.2.0', fields: { image: 'registry.example.com/shop/checkout:2.2.0' }, changelog: '- Pay by invoice' },
    });
    expect(push.status).toBe(201);
    const result = await runTransitionOnce(dashboard.fx, 'dev', exampleDeployerStatus(exampleFiles()));
    expect(result?.kind).toBe('Success');
    await dashboard.aggregator.refresh();
    const page = await dashboard.open({ role: 'viewer', hash: '#/history', viewport: { width: 1280, height: 800 } });
    const promotion = page.locator('li[data-type="Transition"]').first();
    await promotion.locator('.subject', { hasText: 'shop/checkout 2.1.0 → 2.2.0' }).waitFor();
    expect(await promotion.locator('.subject').textContent()).toBe('Promote latest → dev: shop/checkout 2.1.0 → 2.2.0');
    await promotion.getByText('Changelog').click();
    expect(await promotion.locator('pre').textContent()).toContain('Pay by invoice');
    await page.screenshot({ path: join(OUT, 'history.png') });
  });

  it('a rollback held in dev: pp keeps its newer version and says why', async () => {
    const rollback = await dashboard.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'dev', resource: 'shop/cart', to: '1.4.0' } });
    expect(rollback.status).toBe(201);
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=pp', viewport: { width: 1280, height: 900 } });
    await page.locator('section.env-card[data-env="pp"] [data-testid="held"]', { hasText: 'held: dev was rolled back to 1.4.0; pp keeps 1.4.1' }).waitFor();
    await page.locator('section.env-card[data-env="dev"] [data-testid="resource-lock-reasons"]').waitFor();
    await page.screenshot({ path: join(OUT, 'held.png') });
  });

  it('a locked environment: the padlock on every cell, who locked it and when in the header', async () => {
    const lock = await dashboard.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'pp', reason: 'release freeze until Monday' } });
    expect(lock.status).toBe(201);
    envLocks['pp'] = ['release freeze until Monday'];
    const page = await dashboard.open({ role: 'operator', viewport: { width: 1280, height: 560 } });
    await settled(page);
    const header = page.locator('[role="columnheader"][data-env="pp"]');
    await header.locator('[data-testid="env-lock"]', { hasText: 'release freeze until Monday' }).waitFor();
    await header.locator('[data-kind="NotLocked"][data-state="held"]').first().waitFor();
    await header.locator('[data-testid="lock-origin"]', { hasText: 'by operator-person' }).waitFor();
    const rows = await page.locator('[data-resource]').count();
    expect(await page.locator('[data-resource] a[data-env="pp"] [data-testid="env-lock-mark"]').count()).toBe(rows);
    await page.screenshot({ path: join(OUT, 'locked.png') });
  });

  it('the page greyed after Cascade stopped answering, saying since when its data is', async () => {
    const page = await dashboard.open({ role: 'operator', viewport: { width: 1280, height: 560 } });
    await settled(page);
    await page.locator('[role="columnheader"][data-env="pp"] [data-testid="env-lock"]').waitFor();
    // The last picture: the server stops for good.
    await dashboard.stopServer();
    await page.getByTestId('connection-lost').getByTestId('data-as-of').waitFor();
    expect(await page.evaluate('document.documentElement.hasAttribute("data-stale")')).toBe(true);
    await page.screenshot({ path: join(OUT, 'disconnected.png') });
  });
});
