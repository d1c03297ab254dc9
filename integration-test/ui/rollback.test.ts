// The rollback dialog in a real Chromium against a real aggregator on a real bare remote holding the example repo:
// a downstream environment ticked goes back in the same commit, and a version list that cannot be read says so in
// plain words with a way to try again.
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

const envCard = (page: Page, env: string) => page.locator(`section.env-card[data-env="${env}"]`);

/** Opens the rollback dialog of shop/cart in `env` on its resource page. */
async function openRollback(page: Page, env: string) {
  await envCard(page, env).getByRole('button', { name: 'Roll back to…' }).click();
  return page.getByRole('dialog', { name: `Roll back shop/cart in ${env}` });
}

describe('the rollback dialog', () => {
  it('says in plain words when the versions cannot be read, and lists them once a retry succeeds', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=dev' });
    let failing = true;
    const error = { error: { code: 'internal', message: 'git: bad object 3f2a9c1e0b7d in refs/heads/main' } };
    await page.route(
      (url) => url.pathname === '/api/v1/versions',
      (route) => (failing ? route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify(error) }) : route.continue()),
    );
    const dialog = await openRollback(page, 'dev');
    const failed = dialog.getByTestId('versions-failed');
    await failed.waitFor();
    expect((await failed.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Cannot load the versions dev ran; try again. Try again');
    expect(await dialog.textContent()).not.toContain('bad object');
    failing = false;
    await failed.getByRole('button', { name: 'Try again' }).click();
    await dialog.locator('fieldset.versions').waitFor();
    expect(await dialog.locator('input[type="radio"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-version')))).toEqual(['1.4.1', '1.4.0']);
    expect(await failed.count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('rolls a ticked downstream environment back with it, in one commit', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/resource/shop%2Fcart?env=dev' });
    const dialog = await openRollback(page, 'dev');
    await dialog.locator('input[data-version="1.4.0"]').check();
    await dialog.locator('fieldset.also input[value="pp"]').check();
    const words = (await dialog.textContent())?.replace(/\s+/g, ' ') ?? '';
    expect(words).toContain('Cascade commits shop/cart 1.4.0 to dev/version/shop/cart.yaml and to pp.');
    expect(words).toContain('This also locks shop/cart in dev, pp');
    const before = Number((await dashboard.fx.git('rev-list', '--count', 'main')).trim());
    await dialog.getByRole('button', { name: 'Roll back to 1.4.0' }).click();
    // The open page shows both environments back on 1.4.0, each locked by the rollback.
    for (const env of ['dev', 'pp']) {
      await envCard(page, env).locator('[data-testid="env-version"]', { hasText: '1.4.0' }).waitFor();
      await envCard(page, env).locator('[data-testid="resource-lock-reasons"]').waitFor();
    }
    // One commit on the remote changed both version files.
    expect(Number((await dashboard.fx.git('rev-list', '--count', 'main')).trim())).toBe(before + 1);
    expect(await dashboard.fx.git('log', '-1', '--format=%B', 'main')).toMatch(/Cascade-Type: Rollback/);
    const changed = (await dashboard.fx.git('show', '--name-only', '--format=', 'main')).trim().split('\n');
    expect(changed).toEqual(expect.arrayContaining(['dev/version/shop/cart.yaml', 'pp/version/shop/cart.yaml']));
    for (const env of ['dev', 'pp']) expect(await dashboard.fx.readFile('main', `${env}/version/shop/cart.yaml`)).toMatch(/version: "?1\.4\.0"?/);
    // prod was not ticked: it keeps what it had.
    expect(changed.some((path) => path.startsWith('prod/'))).toBe(false);
  });
});
