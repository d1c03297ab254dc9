// The matrix at phone width in a real Chromium: environments as cards, a card per resource with every environment
// on a line of its own, all inside the screen's width, in the words the matrix cells use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Dashboard } from './support/dashboard.ts';
import { startExampleDashboard } from './support/example-dashboard.ts';

const PHONE = { width: 390, height: 844 };
const ENVS = ['latest', 'dev', 'pp', 'prod'];
let dashboard: Dashboard;

beforeAll(async () => {
  dashboard = await startExampleDashboard();
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** Opens the matrix at phone width and waits for the deployer's report (a failed state is on screen). */
async function openPhone(): Promise<Page> {
  const page = await dashboard.open({ role: 'operator', viewport: PHONE });
  await page.locator('[data-testid="phone-matrix"] [data-status="failed"]').first().waitFor();
  return page;
}

/** Left and right edge of every element matching `selector`, with its text. */
const edges = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((nodes) => nodes.map((node) => ({ text: node.textContent ?? '', left: node.getBoundingClientRect().left, right: node.getBoundingClientRect().right })));

describe('the matrix on a phone', () => {
  it('lists every environment of every resource inside the screen, prod included, and the page never scrolls sideways', async () => {
    const page = await openPhone();
    expect(await page.locator('[role="table"]').count()).toBe(0);
    const resources = await page.locator('[data-resource]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-resource')));
    expect(resources).toEqual(['payments', 'shared/settings', 'shop/cart', 'shop/checkout']);
    for (const resource of resources) {
      const envs = await page.locator(`[data-resource="${resource}"] a[data-env]`).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-env')));
      expect(envs).toEqual(ENVS);
    }
    for (const edge of await edges(page, '[data-testid="phone-matrix"] *')) {
      expect(edge.left, edge.text).toBeGreaterThanOrEqual(0);
      expect(edge.right, edge.text).toBeLessThanOrEqual(PHONE.width);
    }
    // Nothing is cut off inside its own box either: no version or remark is clipped to an ellipsis.
    const clipped = await page.locator('[data-testid="phone-matrix"] *').evaluateAll((nodes) => nodes.filter((node) => node.scrollWidth > node.clientWidth + 1).map((node) => node.textContent));
    expect(clipped).toEqual([]);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
    // prod of the first resource is on screen without scrolling sideways.
    const prod = page.locator('[data-resource="payments"] a[data-env="prod"]');
    await prod.scrollIntoViewIfNeeded();
    const box = (await prod.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    expect(await prod.locator('.version').textContent()).toBe('0.9.6');
  });

  it('writes out what the matrix cell says on hover: the lock, the version waiting, the state', async () => {
    const page = await openPhone();
    const desktop = await dashboard.open({ role: 'operator' });
    await desktop.locator('[role="table"] [data-resource="payments"] a[data-env="prod"]').waitFor();
    const lock = page.locator('[data-resource="payments"] a[data-env="prod"] [data-note="lock"]');
    expect(await lock.textContent()).toContain('locked: PSP certification pending, ticket PAY-112');
    expect(await desktop.locator('[data-resource="payments"] a[data-env="prod"]').getAttribute('title')).toContain((await lock.textContent())!.trim());
    const waiting = page.locator('[data-resource="shop/cart"] a[data-env="pp"] [data-note="waiting"]');
    expect(await waiting.textContent()).toContain('1.4.2 waiting to be promoted');
    expect(await desktop.locator('[data-resource="shop/cart"] a[data-env="pp"]').getAttribute('title')).toContain('1.4.2 waiting to be promoted');
    expect(await page.locator('[data-resource="payments"] a[data-env="pp"]').getAttribute('data-status')).toBe('failed');
    expect(await page.locator('[data-resource="payments"] a[data-env="pp"]').innerText()).toContain('failed');
  });

  it('shows each environment as a card with its Lock and Promote controls, inside the screen', async () => {
    const page = await openPhone();
    const envs = await page.locator('[data-testid="phone-matrix"] [role="group"][data-env]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-env')));
    expect(envs).toEqual(ENVS);
    const prod = page.locator('[role="group"][data-env="prod"]');
    for (const control of [prod.getByRole('button', { name: 'Lock environment prod' }), prod.getByRole('button', { name: 'Promote pp → prod now' })]) {
      const box = (await control.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    // The same control as in the matrix header: it opens the promote dialog.
    await prod.getByRole('button', { name: 'Promote pp → prod now' }).click();
    await page.getByRole('dialog', { name: 'Promote pp → prod now?' }).waitFor();
  });

  it('keeps search, filter and folders: a search narrows the cards, a folder folds', async () => {
    const page = await openPhone();
    await page.getByRole('searchbox').fill('cart');
    await page.locator('[data-resource="shop/checkout"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-resource]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-resource')))).toEqual(['shop/cart']);
    await page.getByRole('searchbox').fill('');
    await page.getByRole('button', { name: /shop\// }).click();
    await page.locator('[data-resource="shop/cart"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-resource]').count()).toBe(2);
  });
});
