// "Why not yet" and Promote in a real Chromium: each condition of a promotion with its state, the window in its
// schedule's time zone and the soak in the viewer's, waits in neutral words, and the Promote button for operators
// (disabled with the reason for viewers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus, exampleTransitionerStatus } from './support/peer-stubs.ts';

let dashboard: Dashboard;
/** The browser's clock where a test fixes it: a Wednesday, 16:00 in Berlin and 10:00 in New York. */
const NOW = new Date('2026-12-02T15:00:00Z');
const since = new Date(NOW.getTime() - 10 * 60_000).toISOString();
const until = new Date(NOW.getTime() + 50 * 60_000).toISOString();
/** The next window of `0 6 * * 1-5` in Europe/Berlin: Thursday 06:00 there, midnight in New York, 14 h ahead. */
const nextRun = '2026-12-03T05:00:00.000Z';
const runs: string[] = [];

const transitioner = () => exampleTransitionerStatus({ since, until, nextRun });

beforeAll(async () => {
  const deployer = exampleDeployerStatus(exampleFiles());
  const routes = (path: string) => {
    const run = /^\/transitions\/([a-z]+)\/run$/.exec(path);
    if (!run) return undefined;
    runs.push(run[1]!);
    return { kind: 'Success', commit: 'abcdef0123456789', promoted: [{ name: 'shop/cart', change: 'changed', from: '1.4.1', to: '1.4.2' }] };
  };
  dashboard = await startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner, transitionerRoutes: routes } });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

const headerOf = (page: Page, env: string) => page.locator(`[role="columnheader"][data-env="${env}"]`);

describe('why not yet', () => {
  it('lists each condition of the promotion with its state: the window in its schedule’s zone, named, the soak in the viewer’s, absolute on hover', async () => {
    const page = await dashboard.open({ role: 'viewer', timezoneId: 'America/New_York', prepare: (context) => context.clock.setFixedTime(NOW) });
    const prod = headerOf(page, 'prod');
    const list = prod.getByRole('list', { name: 'Conditions of the promotion from pp into prod' });
    await list.waitFor();
    const conditions = await list.locator('li').evaluateAll((nodes) => nodes.map((node) => [node.getAttribute('data-kind'), node.getAttribute('data-state'), node.textContent?.replace(/\s+/g, ' ').trim()]));
    expect(conditions.map(([kind, state]) => [kind, state])).toEqual([
      ['NotLocked', 'met'],
      ['Schedule', 'waiting'],
      ['SourceClean', 'met'],
      ['SoakTime', 'waiting'],
    ]);
    expect(conditions[1]?.[2]).toBe('… window Thu 06:00 Europe/Berlin (in 14 h): not yet');
    // The soak ends at 15:50 UTC: 10:50 in New York.
    expect(conditions[3]?.[2]).toBe('… soak 10 of 60 min, until 10:50: not yet');
    expect(await list.locator('[data-kind="Schedule"]').getAttribute('title')).toBe('next window Thursday, 3 December 2026 at 00:00 (America/New_York); schedule 0 6 * * 1-5 Europe/Berlin');
    expect(await list.locator('[data-kind="SoakTime"]').getAttribute('title')).toBe(
      'the versions of pp landed Wednesday, 2 December 2026 at 09:50 (America/New_York); the soak ends Wednesday, 2 December 2026 at 10:50 (America/New_York)',
    );
    expect(await prod.locator('[data-testid="incoming"]').textContent()).toMatch(/waiting from pp; next window Thu 06:00 Europe\/Berlin \(in 14 h\)$/);
    // The cell says the same when hovered.
    expect(await page.locator('[data-resource="shop/cart"] a[data-env="prod"]').getAttribute('title')).toContain('1.4.1 waiting to be promoted: not locked ✓ · window Thu 06:00 Europe/Berlin (in 14 h) ✗');
  });

  it('says a rollout wait in neutral words with the version, not as a red block', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const words = headerOf(page, 'pp').locator('[data-testid="incoming"]');
    await words.waitFor();
    // shop/cart 1.4.2 and payments 0.9.7 wait in dev.
    expect(await words.textContent()).toBe('waiting for dev to finish deploying 2 versions');
    expect(await words.getAttribute('class')).toContain('waiting');
    expect(await words.getAttribute('class')).not.toContain('blocked');
    const detail = await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcart?env=pp' });
    const card = detail.locator('section.env-card[data-env="pp"]');
    await card.locator('[data-testid="waiting"]').waitFor();
    expect(await card.locator('[data-testid="conditions"] [data-kind="SourceClean"]').getAttribute('title')).toBe('waiting for dev to finish rolling out: shop/cart (updating: 1 of 2 pods on the new version)');
  });
});

describe('the Promote button', () => {
  it('promotes for an operator, saying what it overrides and what came of it in plain words', async () => {
    const page = await dashboard.open({ role: 'operator' });
    await headerOf(page, 'pp').getByRole('button', { name: 'Promote dev → pp now' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promote dev → pp now?' });
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('It does not wait for');
    expect(text).toContain('It still needs');
    await dialog.getByRole('button', { name: 'Promote dev → pp' }).click();
    const result = dialog.locator('[data-testid="promote-result"]');
    await result.waitFor();
    expect((await result.textContent())?.replace(/\s+/g, ' ').trim()).toBe('promoted dev → pp: commit abcdef0 shop/cart 1.4.1 → 1.4.2');
    expect(runs).toEqual(['pp']);
  });

  it('is disabled for a viewer, with the reason', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const button = headerOf(page, 'pp').getByRole('button', { name: 'Promote dev → pp now' });
    await page.locator('[data-testid="identity"]').waitFor();
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    expect(await button.getAttribute('title')).toBe('Your role viewer may not promote; an operator or admin token may');
  });
});
