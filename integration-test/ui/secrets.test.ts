// What the dashboard shows of secret config and of control-script links, in a real Chromium against a real aggregator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';

let dashboard: Dashboard;

beforeAll(async () => {
  const deployer = exampleDeployerStatus(exampleFiles());
  const cart = deployer.environments.find((e) => e.env === 'dev')?.resources.find((r) => r.name === 'shop/cart');
  if (cart) cart.links = [{ name: 'storefront', url: 'https://cart.dev.shop.example.com/' }, { name: 'steal-cookies', url: 'javascript:alert(document.cookie)' }];
  dashboard = await startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** The dev card of shop/cart, once the deployer's report has reached it. */
async function devCard(page: Page) {
  const card = page.locator('section.env-card[data-env="dev"]');
  await card.locator('a', { hasText: 'storefront' }).waitFor();
  return card;
}

describe('secret config and links in the resource view', () => {
  it('shows a viewer the config key as hidden, without its value, and an admin the value', async () => {
    const viewer = await devCard(await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcart?env=dev' }));
    const fields = viewer.locator('[data-testid="version-fields"]');
    expect(await fields.locator('summary').textContent()).toMatch(/1 hidden/);
    await fields.locator('summary').click();
    expect(await fields.locator('dt', { hasText: 'config.logLevel' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('hidden');
    expect(await fields.textContent()).not.toContain('debug');

    const admin = await devCard(await dashboard.open({ role: 'admin', hash: '#/resource/shop%2Fcart?env=dev' }));
    const adminFields = admin.locator('[data-testid="version-fields"]');
    expect(await adminFields.locator('summary').textContent()).not.toMatch(/hidden/);
    await adminFields.locator('summary').click();
    expect(await adminFields.locator('dt', { hasText: 'config.logLevel' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('debug');
  });

  it('links only http(s) URLs from control scripts: a javascript: link never reaches the page', async () => {
    const card = await devCard(await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcart?env=dev' }));
    expect(await card.locator('a', { hasText: 'storefront' }).getAttribute('href')).toBe('https://cart.dev.shop.example.com/');
    const hrefs = await card.locator('a[href]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href') ?? ''));
    expect(hrefs.filter((href) => !/^https?:/.test(href))).toEqual([]);
    expect(await card.textContent()).not.toContain('steal-cookies');
  });
});
