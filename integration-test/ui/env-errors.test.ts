// What a person sees when the deployer holds pruning for an environment and a resource's own file cannot be read:
// a real aggregator on the example repo with a symlinked version file, and a deployer stand-in reporting `prune-held`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployerStatus } from '@cascade/common';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';

const CHECKOUT = 'dev/version/shop/checkout.yaml';
const HELD_MESSAGE = 'pruning is held until the repo is fixed: dev/deployable: must be a folder';
let dashboard: Dashboard;

/** The example's deployer report, with pruning held in dev. */
function deployerStatus(): DeployerStatus {
  const status = exampleDeployerStatus(exampleFiles());
  const dev = status.environments.find((env) => env.env === 'dev')!;
  dev.errors = [{ code: 'prune-held', message: HELD_MESSAGE }];
  return status;
}

beforeAll(async () => {
  const fixture = exampleShopFixture();
  // A person replaced dev's checkout version file by a symlink: the repo keeps the resource, and it cannot be read.
  fixture.commits.push({ name: 'symlink', message: 'Share checkout settings', files: { [CHECKOUT]: { symlink: '../../../latest/version/shop/checkout.yaml' } } });
  const deployer = deployerStatus();
  dashboard = await startDashboard({ fixture, peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

describe('environment errors and unreadable resources', () => {
  it('marks the environment header "pruning held" and opens the full story by keyboard', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const alert = page.locator('[role="columnheader"][data-env="dev"] [data-testid="env-alert"]');
    await alert.waitFor();
    const summary = alert.locator('summary');
    expect(await summary.textContent()).toBe('dev: pruning held');
    expect(await page.locator('[role="columnheader"][data-env="pp"] [data-testid="env-alert"]').count()).toBe(0);
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await alert.getAttribute('open')).not.toBeNull();
    const story = await alert.locator('p').textContent();
    expect(story).toContain('Cascade deletes nothing here until the repo is fixed');
    expect(story).toContain(HELD_MESSAGE);
  });

  it('shows the symlinked resource as broken in its cell, with the file in its accessible name', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const cell = page.locator('[data-resource="shop/checkout"] a[data-env="dev"]');
    await cell.waitFor();
    expect(await cell.getAttribute('data-status')).toBe('broken');
    const name = await cell.getAttribute('aria-label');
    expect(name).toContain('shop/checkout in dev: no version, broken file');
    expect(name).toContain(`${CHECKOUT}: symlinks are not allowed`);
    expect(await page.locator('[data-resource="shop/checkout"] a[data-env="pp"]').getAttribute('data-status')).not.toBe('broken');
  });

  it('lists the problem with its file and the environment error in full on the resource, at phone width too', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcheckout?env=dev', viewport: { width: 390, height: 844 } });
    const card = page.locator('section.env-card[data-env="dev"]');
    const problems = card.getByRole('list', { name: 'Problems in the repo files' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain(`${CHECKOUT}: symlinks are not allowed in a resource repo`);
    const held = await card.locator('[data-testid="env-alert"]').textContent();
    expect(held).toContain('dev: pruning held');
    expect(held).toContain(HELD_MESSAGE);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
  });
});
