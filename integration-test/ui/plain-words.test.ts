// Locks and rollouts in plain words in a real Chromium: who locked an environment or a resource and when, in the
// header, on every cell's hover and on the resource page; rollouts without Kubernetes codes on the matrix and detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DeployerStatus } from '@cascade/common';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';

let dashboard: Dashboard;

/** The example's deployer report, with dev's cart starting its pods and pp's checkout not yet picked up by Kubernetes. */
function deployerStatus(): DeployerStatus {
  const status = exampleDeployerStatus(exampleFiles());
  for (const env of status.environments) {
    for (const resource of env.resources) {
      if (env.env === 'dev' && resource.name === 'shop/cart') {
        Object.assign(resource, {
          state: 'InProgress',
          reason: 'NotAllReady 1/2',
          objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'shop-dev', rollout: { state: 'InProgress', reason: { kind: 'NotYetObserved', generation: 2, observedGeneration: 1 } } }],
        });
      }
      if (env.env === 'pp' && resource.name === 'shop/checkout') Object.assign(resource, { state: 'InProgress', reason: 'NotYetObserved 1/2' });
    }
  }
  return status;
}

beforeAll(async () => {
  const deployer = deployerStatus();
  dashboard = await startDashboard({ fixture: exampleShopFixture(), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
  for (const body of [{ env: 'pp', reason: 'release freeze until Monday' }, { env: 'dev', resource: 'shop/cart', reason: 'incident 4711' }]) {
    expect((await dashboard.call('POST', '/api/v1/locks', { role: 'operator', body })).status).toBe(201);
  }
});
afterAll(async () => {
  await dashboard?.cleanup();
});

const headerOf = (page: Page, env: string) => page.locator(`[role="columnheader"][data-env="${env}"]`);
const cell = (page: Page, resource: string, env: string) => page.locator(`[role="row"][data-resource="${resource}"] a[data-env="${env}"]`);
/** Kubernetes and API codes that must not reach a reader. */
const RAW = /NotYetObserved|NotAllReady|NotAllUpdated|InProgress|\(deployable\)/;

describe('locks and rollouts in plain words', () => {
  it('shows who locked an environment and when in its header and on the hover of each of its cells', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const lock = headerOf(page, 'pp').getByTestId('env-lock');
    await lock.filter({ hasText: 'release freeze until Monday' }).waitFor();
    const origin = lock.getByTestId('lock-origin');
    expect(await origin.textContent()).toMatch(/^\(by operator\S*, (just now|\d+ min ago)\)$/);
    expect(await lock.textContent()).toMatch(/release freeze until Monday \(by operator/);
    expect(await origin.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const resource of ['shop/cart', 'shop/checkout']) {
      const ppCell = cell(page, resource, 'pp');
      await ppCell.getByTestId('env-lock-mark').waitFor();
      expect(await ppCell.getAttribute('title')).toMatch(/pp is locked: release freeze until Monday \(locked by operator\S* on .+\)/);
    }
    const locked = cell(page, 'shop/cart', 'dev');
    await locked.getByTestId('resource-lock').waitFor();
    expect(await locked.getAttribute('title')).toMatch(/locked: incident 4711 \(locked by operator\S* on .+\)/);
  });

  it('says a rollout in words on the matrix, and where versions arrive once in the header', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const rolling = cell(page, 'shop/cart', 'dev');
    await rolling.waitFor();
    await page.waitForFunction(`document.querySelector('[data-resource="shop/cart"] a[data-env="dev"]')?.title.includes('starting: 1 of 2 pods ready')`);
    expect(await cell(page, 'shop/checkout', 'pp').getAttribute('title')).toContain('waiting for Kubernetes to pick up the change');
    expect(await headerOf(page, 'latest').getByTestId('env-rollout').textContent()).toBe('not deployed: versions arrive here first');
    const matrixText = await page.locator('body').evaluate((body) => `${body.textContent} ${[...body.querySelectorAll('[title]')].map((node) => node.getAttribute('title')).join(' ')}`);
    expect(matrixText).not.toMatch(RAW);
    expect(matrixText.match(/versions arrive here first/g)).toHaveLength(1);
    // The entry environment's header says where versions come from once, not again as its incoming transition.
    expect(matrixText).not.toMatch(/entry of the pipeline/);
  });

  it('says who locked and the rollout in words on the resource page, the commit ids on hover only', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/resource/shop%2Fcart?env=dev' });
    const card = page.locator('section.env-card[data-env="dev"]');
    await card.getByTestId('resource-lock-reasons').getByTestId('lock-origin').waitFor();
    expect(await card.getByTestId('resource-lock-reasons').textContent()).toMatch(/incident 4711 \(by operator\S*, (just now|\d+ min ago)\)/);
    expect(await page.locator('section.env-card[data-env="pp"] p.lock').textContent()).toMatch(/pp is locked: release freeze until Monday \(by operator\S*, /);
    expect(await card.textContent()).toContain('starting: 1 of 2 pods ready');
    await card.locator('details summary', { hasText: 'objects' }).click();
    expect(await card.locator('.objects').textContent()).toContain('Deployment cart: rolling out: waiting for Kubernetes to pick up the change');
    const text = (await page.locator('article.detail').textContent()) ?? '';
    expect(text).not.toMatch(RAW);
    // A known version names who and when; its commit is on hover, not in the text.
    const version = page.locator('ol.versions li').first();
    expect(await version.locator('.who').getAttribute('title')).toMatch(/^commit [0-9a-f]{40}$/);
    expect(await version.textContent()).not.toMatch(/\b[0-9a-f]{8}\b/);
  });
});
