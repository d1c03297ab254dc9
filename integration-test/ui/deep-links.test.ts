// Every page and filter has an address that can be pasted into a ticket: opening it shows the same view, and changing
// a filter changes the address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';

let dashboard: Dashboard;
/** The commits that created the two stagings, by staging name. */
const created: Record<string, string> = {};

beforeAll(async () => {
  const deployer = exampleDeployerStatus(exampleFiles());
  dashboard = await startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
  for (const name of ['checkout-test', 'search-test']) {
    const answer = await dashboard.call('POST', '/api/v1/stagings', { role: 'operator', body: { name, kind: 'feature', tag: '1.4.2' } });
    expect(answer.status).toBe(201);
    created[name] = ((await answer.json()) as { commit: string }).commit;
  }
  await dashboard.aggregator.refresh();
});
afterAll(async () => {
  await dashboard?.cleanup();
});

const rowNames = (page: Page) => page.locator('[data-resource]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-resource')));
const hash = (page: Page) => page.evaluate<string>('location.hash');
/** The select or input of a filter form's field whose label starts with `label` (option texts are part of a label too). */
const field = (page: Page, label: string) => page.locator('label').filter({ hasText: new RegExp(`^\\s*${label}`) }).locator('select, input').first();
const commits = (page: Page) => page.locator('li[data-commit]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-commit')));

describe('pasted addresses', () => {
  it('open the matrix searched and filtered, and the address follows the search box and the filter', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/?q=cart&show=waiting' });
    await page.locator('[data-resource="shop/cart"]').waitFor();
    expect(await rowNames(page)).toEqual(['shop/cart']);
    expect(await page.getByPlaceholder('Search resources or versions').inputValue()).toBe('cart');
    expect(await page.getByLabel('Show').inputValue()).toBe('waiting');

    await page.getByLabel('Show').selectOption('failed');
    await page.waitForFunction(`location.hash === '#/?q=cart&show=failed'`);
    await page.getByPlaceholder('Search resources or versions').fill('');
    await page.waitForFunction(`location.hash === '#/?show=failed'`);
    // Failed in pp, from the deployer's report.
    await page.locator('[data-resource="payments"]').waitFor();
    expect(await rowNames(page)).toEqual(['payments']);

    const pasted = await dashboard.open({ role: 'viewer', hash: await hash(page) });
    await pasted.locator('[data-resource="payments"]').waitFor();
    expect(await rowNames(pasted)).toEqual(['payments']);
  });

  it('open a resource at one environment', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcart?env=pp' });
    await page.locator('section.env-card.focused[data-env="pp"]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('shop/cart');
  });

  it('open the history with its filters, and the address follows them', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history?env=latest&resource=shop%2Fcart&type=Version' });
    await page.locator('li[data-type]').first().waitFor();
    expect(new Set(await page.locator('li[data-type]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-type'))))).toEqual(new Set(['Version']));
    expect(await field(page, 'Environment').inputValue()).toBe('latest');
    expect(await field(page, 'Resource').inputValue()).toBe('shop/cart');
    expect(await field(page, 'Type').inputValue()).toBe('Version');
    await field(page, 'Type').selectOption('');
    await page.waitForFunction(`location.hash === '#/history?env=latest&resource=shop%2Fcart'`);
  });

  it('open the history of one staging, which its page links to', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/history?staging=checkout-test' });
    await page.locator('li[data-commit]').first().waitFor();
    expect(await commits(page)).toEqual([created['checkout-test']]);
    expect(await field(page, 'Staging').inputValue()).toBe('checkout-test');
    await field(page, 'Staging').selectOption('search-test');
    await page.waitForFunction(`location.hash === '#/history?staging=search-test'`);
    await page.locator(`li[data-commit="${created['search-test']}"]`).waitFor();
    expect(await commits(page)).toEqual([created['search-test']]);

    const staging = await dashboard.open({ role: 'viewer', hash: '#/staging/checkout-test' });
    await staging.getByRole('link', { name: 'Every commit of checkout-test' }).click();
    await staging.waitForFunction(`location.hash === '#/history?staging=checkout-test'`);
    await staging.locator(`li[data-commit="${created['checkout-test']}"]`).waitFor();
    expect(await commits(staging)).toEqual([created['checkout-test']]);
  });

  it('open the stagings list filtered and searched, and one staging', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/stagings?kind=feature&q=search' });
    await page.locator('[data-staging="search-test"]').waitFor();
    expect(await page.locator('[data-staging]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-staging')))).toEqual(['search-test']);
    expect(await field(page, 'Kind').inputValue()).toBe('feature');
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('search');

    const staging = await dashboard.open({ role: 'viewer', hash: '#/staging/search-test' });
    await staging.getByTestId('staging-tag').filter({ hasText: '1.4.2' }).waitFor();
    expect(await staging.locator('h1').textContent()).toBe('search-test');
  });
});
