// Signing in with a token in a real Chromium: one card, one plain sentence for a token that was not accepted, and
// nothing of the matrix (search, filters) until the token is right; an outage says so instead, once.
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

const card = (page: Page) => page.getByTestId('sign-in');
const bodyText = (page: Page) => page.locator('body').innerText();
/** How often `text` occurs in what the page shows. */
const occurrences = async (page: Page, text: string) => (await bodyText(page)).split(text).length - 1;

/** Pastes `token` into the card and signs in with it. */
async function paste(page: Page, token: string): Promise<void> {
  await card(page).getByPlaceholder('Paste a token').fill(token);
  await card(page).getByRole('button', { name: 'Sign in' }).click();
}

describe('signing in with a token', () => {
  it('greets a first visit with one card and no error, and shows no search or filters behind it', async () => {
    const page = await dashboard.open();
    await card(page).waitFor();
    expect(await card(page).count()).toBe(1);
    expect(await page.getByTestId('sign-in-error').count()).toBe(0);
    expect(await page.getByRole('searchbox').count()).toBe(0);
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
    expect(await bodyText(page)).not.toMatch(/aggregator|bearer/i);
  });

  it('says once and plainly that a wrong token was not accepted, not that Cascade is down', async () => {
    const page = await dashboard.open();
    await paste(page, 'not-a-real-token');
    await page.getByTestId('sign-in-error').filter({ hasText: 'This token was not accepted.' }).waitFor();
    expect(await card(page).count()).toBe(1);
    expect(await occurrences(page, 'not accepted')).toBe(1);
    const text = await bodyText(page);
    expect(text).not.toMatch(/cannot reach/i);
    expect(text).not.toMatch(/aggregator|bearer/i);
    expect(await page.getByRole('searchbox').count()).toBe(0);
    expect(await page.getByRole('combobox').count()).toBe(0);
    expect(await page.locator('[data-resource]').count()).toBe(0);
  });

  it('shows the matrix once the right token follows a wrong one', async () => {
    const page = await dashboard.open();
    await paste(page, 'not-a-real-token');
    await page.getByTestId('sign-in-error').waitFor();
    await paste(page, dashboard.tokens.viewer);
    await page.locator('[data-resource="shop/cart"] a[data-env="pp"]').waitFor();
    expect(await card(page).count()).toBe(0);
    expect(await page.getByTestId('identity').textContent()).toContain('viewer-person');
    expect(await page.getByRole('searchbox').count()).toBe(1);
    expect(await bodyText(page)).not.toMatch(/not accepted/);
  });

  it('says once that Cascade cannot be reached when it does not answer, with no sign-in card', async () => {
    const page = await dashboard.open({
      role: 'viewer',
      // Every request fails as in an outage: nothing answers.
      prepare: (context) => context.route('**/api/**', (route) => route.abort('connectionrefused')),
    });
    await page.getByTestId('connection-lost').waitFor();
    expect(await occurrences(page, 'Cannot reach Cascade')).toBe(1);
    expect(await card(page).count()).toBe(0);
    const text = await bodyText(page);
    expect(text).not.toMatch(/not accepted/);
    expect(text).not.toMatch(/aggregator|bearer/i);
  });
});

describe('signing in where anonymous viewing is allowed', () => {
  let open: Dashboard;
  beforeAll(async () => {
    open = await startDashboard({ fixture: exampleShopFixture(), anonymousRead: true });
  });
  afterAll(async () => {
    await open?.cleanup();
  });

  it('shows the matrix read-only; "Sign in" brings the same card, which Cancel puts away and a token completes', async () => {
    const page = await open.open();
    await page.locator('[data-resource="shop/cart"]').first().waitFor();
    expect(await card(page).count()).toBe(0);
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await card(page).waitFor();
    expect(await page.getByTestId('sign-in-error').count()).toBe(0);
    expect(await page.getByRole('searchbox').count()).toBe(0);
    await card(page).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('searchbox').waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign in' }).click();
    await paste(page, open.tokens.operator);
    await page.getByTestId('identity').filter({ hasText: 'operator-person' }).waitFor();
    expect(await card(page).count()).toBe(0);
    expect(await page.getByRole('searchbox').count()).toBe(1);
  });
});
