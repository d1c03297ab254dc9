// The dashboard in a real Chromium against a real aggregator on a real bare remote holding the example repo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleShopFixture } from './support/example-repo.ts';

let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startDashboard({ fixture: exampleShopFixture() });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** The version text of one matrix cell. */
const cell = (page: Page, resource: string, env: string) => page.locator(`[data-resource="${resource}"] a[data-env="${env}"]`);
const headerOf = (page: Page, env: string) => page.locator(`[role="columnheader"][data-env="${env}"]`);

describe('the dashboard', () => {
  it('renders the example repo as a matrix: resources by folder, environments in pipeline order, locks', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    await page.locator('[data-resource]').first().waitFor();
    const envs = await page.locator('[role="columnheader"][data-env]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-env')));
    expect(envs).toEqual(['latest', 'dev', 'pp', 'prod']);
    const rows = await page.locator('[data-resource]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-resource')));
    expect(rows).toEqual(['payments', 'shared/settings', 'shop/cart', 'shop/checkout']);
    expect(await cell(page, 'shop/cart', 'pp').locator('.version').textContent()).toBe('1.4.1');
    // pp waits for 1.4.2 from dev; prod's payments is locked with its reason.
    expect(await cell(page, 'shop/cart', 'pp').getAttribute('title')).toContain('1.4.2 waiting to be promoted');
    expect(await cell(page, 'payments', 'prod').getAttribute('title')).toContain('locked: PSP certification pending, ticket PAY-112');
    expect(await headerOf(page, 'pp').locator('[data-testid="incoming"]').textContent()).toBe("waiting for dev to report a clean rollout");
  });

  it('asks a first-time visitor for a token, and shows the matrix once one is pasted', async () => {
    const page = await dashboard.open();
    await page.getByTestId('sign-in').waitFor();
    await page.getByPlaceholder('Paste a token').fill(dashboard.tokens.viewer);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await cell(page, 'shop/cart', 'pp').waitFor();
    expect(await page.getByTestId('identity').textContent()).toContain('viewer-person');
  });

  it('locks an environment with a reason: a commit on the remote, and the open page shows it', async () => {
    const page = await dashboard.open({ role: 'operator' });
    await headerOf(page, 'pp').getByRole('button', { name: 'Lock environment pp' }).click();
    await page.getByRole('dialog').getByLabel('Reason (required)').fill('release freeze until Monday');
    await page.getByRole('dialog').getByRole('button', { name: 'Lock', exact: true }).click();
    await headerOf(page, 'pp').locator('[data-testid="env-lock"]', { hasText: 'release freeze until Monday' }).waitFor();
    expect(await dashboard.fx.readFile('main', 'pp/locks.yaml')).toContain('release freeze until Monday');
    const message = await dashboard.fx.git('log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/Cascade-Type: Lock/);
    expect(await headerOf(page, 'pp').locator('[data-testid="incoming"]').textContent()).toBe('held by lock: release freeze until Monday');
    // The header says who locked it and when.
    await headerOf(page, 'pp').locator('[data-testid="lock-origin"]', { hasText: 'by operator-person' }).waitFor();
    // Every cell of the locked environment shows the padlock and says why.
    const ppCell = cell(page, 'shop/checkout', 'pp');
    await ppCell.locator('[data-testid="env-lock-mark"]').waitFor();
    expect(await ppCell.getAttribute('title')).toContain('pp is locked: release freeze until Monday');
  });

  it('shows a version pushed through the API without a reload', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    await cell(page, 'shop/checkout', 'latest').waitFor();
    // Page code as strings: this project type-checks without the DOM library.
    await page.evaluate(`window.marker = 'same page'`);
    const push = await dashboard.call('POST', '/api/v1/versions', {
      role: 'ci',
      body: { resource: 'shop/checkout', version: '2.2.0', fields: { image: 'registry.example.com/shop/checkout:2.2.0' }, changelog: 'Pay by invoice' },
    });
    expect(push.status).toBe(201);
    await cell(page, 'shop/checkout', 'latest').locator('.version', { hasText: '2.2.0' }).waitFor();
    expect(await page.evaluate('window.marker')).toBe('same page');
  });

  it('offers exactly the versions each environment ran, newest first, with when and who', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=dev' });
    const offered = async (env: string) => {
      await page.locator(`section.env-card[data-env="${env}"]`).getByRole('button', { name: 'Roll back to…' }).click();
      const dialog = page.getByRole('dialog', { name: `Roll back shop/cart in ${env}` });
      await dialog.locator('fieldset.versions, [data-testid="no-versions"]').first().waitFor();
      const versions = await dialog.locator('input[type="radio"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-version')));
      const text = (await dialog.textContent()) ?? '';
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      return { versions, text };
    };
    const dev = await offered('dev');
    expect(dev.versions).toEqual(['1.4.1', '1.4.0']);
    expect(dev.text).toContain('promoted by cascade-transitioner');
    expect(dev.text).toContain('edited by hand by Dana Ops');
    expect((await offered('pp')).versions).toEqual(['1.4.0']);
    const prod = await offered('prod');
    expect(prod.versions).toEqual([]);
    expect(prod.text).toContain('prod has run no other version of shop/cart');
  });

  it('rolls back through the dialog, downstream environments in the same commit, and shows the downgrade held', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=dev' });
    const card = page.locator('section.env-card[data-env="dev"]');
    await card.getByRole('button', { name: 'Roll back to…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back shop/cart in dev' });
    await dialog.locator('input[data-version="1.4.0"]').check();
    const downstream = await dialog.locator('fieldset.also input[type="checkbox"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('value')));
    expect(downstream).toEqual(['pp', 'prod']);
    expect(await dialog.textContent()).toContain('This also locks shop/cart in dev');
    const before = (await dashboard.fx.git('rev-list', '--count', 'main')).trim();
    await dialog.getByRole('button', { name: 'Roll back to 1.4.0' }).click();
    await card.locator('[data-testid="env-version"]', { hasText: '1.4.0' }).waitFor();
    await card.locator('[data-testid="resource-lock-reasons"]').waitFor();
    expect(Number((await dashboard.fx.git('rev-list', '--count', 'main')).trim())).toBe(Number(before) + 1);
    expect(await dashboard.fx.readFile('main', 'dev/version/shop/cart.yaml')).toMatch(/version: "?1\.4\.0"?/);
    expect(await dashboard.fx.git('log', '-1', '--format=%B', 'main')).toMatch(/Cascade-Type: Rollback/);
    // pp keeps 1.4.1: the rollback is not promoted out of dev, and the page says so instead of "waiting".
    const ppCard = page.locator('section.env-card[data-env="pp"]');
    await ppCard.locator('[data-testid="held"]', { hasText: 'held: dev was rolled back to 1.4.0; pp keeps 1.4.1' }).waitFor();
    await page.goto(`${dashboard.url}/#/`);
    const ppCell = cell(page, 'shop/cart', 'pp');
    await ppCell.locator('[data-testid="held"]').waitFor();
    expect(await ppCell.getAttribute('title')).toContain('held: dev was rolled back to 1.4.0; pp keeps 1.4.1');
    expect(await ppCell.getAttribute('title')).not.toContain('waiting to be promoted');
    // Several environments are one commit: dev and pp go back to 1.4.0 together.
    const both = await dashboard.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'dev', alsoIn: ['pp'], resource: 'shop/cart', to: '1.4.0' } });
    expect(both.status).toBe(201);
    expect(await dashboard.fx.readFile('main', 'pp/version/shop/cart.yaml')).toMatch(/version: "?1\.4\.0"?/);
  });

  it('does not let a viewer lock: the control is disabled with the reason, and the API refuses', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const lock = headerOf(page, 'dev').getByRole('button', { name: 'Lock environment dev' });
    await page.locator('[data-testid="identity"]').waitFor();
    expect(await lock.getAttribute('aria-disabled')).toBe('true');
    expect(await lock.getAttribute('title')).toMatch(/may not lock/);
    await lock.click({ force: true }); // a person can still press it; nothing may happen
    expect(await page.getByRole('dialog').isVisible()).toBe(false);
    const refused = await dashboard.call('POST', '/api/v1/locks', { role: 'viewer', body: { env: 'dev', reason: 'try' } });
    expect(refused.status).toBe(403);
  });

  it('lists the history with changelogs on demand and filters by type', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history?type=Version' });
    const entries = page.locator('li[data-type]');
    await entries.first().waitFor();
    expect(new Set(await entries.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type'))))).toEqual(new Set(['Version']));
    const first = entries.filter({ hasText: 'Push shop/cart 1.4.1' });
    await first.getByText('Changelog').click();
    expect(await first.locator('pre').textContent()).toContain('Fix rounding of discounts');
  });
});
