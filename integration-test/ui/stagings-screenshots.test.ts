// The stagings pages with a few stagings in every kind of phase, at laptop and phone width. Pictures go to a temp dir;
// CASCADE_UI_SCREENSHOTS=1 writes them to docs/screenshots for the documentation instead.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Role } from '@cascade/common/service';
import { generateAgeIdentity } from '@cascade/common/secrets';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleStagingFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';
import { StagingDeployerStandIn } from './support/staging-stand-in.ts';

const OUT = process.env.CASCADE_UI_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/screenshots', import.meta.url)) : mkdtempSync(join(tmpdir(), 'cascade-shots-'));
const PHONE = { width: 390, height: 844 };
const link = (name: string) => [{ name: `${name}.shop.example.com`, url: `https://${name}.shop.example.com` }];
let dashboard: Dashboard;

/** Creates a staging through the API as `role`, failing the test when the API refuses. */
async function create(role: Role, body: Record<string, unknown>, path = '/api/v1/stagings'): Promise<void> {
  const answer = await dashboard.call('POST', path, { role, body });
  expect([answer.status, await answer.text()]).toEqual([201, expect.any(String)]);
}

beforeAll(async () => {
  const key = await generateAgeIdentity(new Date());
  const deployer = new StagingDeployerStandIn(exampleDeployerStatus(exampleFiles()));
  dashboard = await startDashboard({
    fixture: exampleStagingFixture(key.recipient),
    peers: { deployer: deployer.status, transitioner: () => ({ transitions: [] }), deployerRoutes: deployer.routes },
  });
  await create('operator', { name: 'checkout-test', kind: 'feature', tag: '1.4.2', app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 }, secrets: { STRIPE_KEY: 'sk_test_screenshot' } });
  await create('ci', { fromBranch: 'feature/JIRA-12_Login', kind: 'feature', tag: '1f3e9a2' }, '/api/v1/stagings/deploy');
  await create('operator', { name: 'payments-v2', kind: 'feature', tag: '2.0.0-rc.1' });
  await create('operator', { name: 'sales-demo', kind: 'feature', tag: '1.4.1' });
  expect((await dashboard.call('POST', '/api/v1/stagings/sales-demo/archive', { role: 'operator' })).status).toBe(201);
  const commit = (await dashboard.fx.git('rev-parse', 'main')).trim();
  const started = new Date(Date.now() - 25 * 60_000).toISOString();
  deployer.report({
    name: 'checkout-test',
    tag: '1.4.2',
    phase: 'Running',
    links: link('checkout-test'),
    resources: [
      { name: 'payments', state: 'Clean', version: '1.4.2', liveVersion: '1.4.2', errors: [] },
      { name: 'shop/cart', state: 'Clean', version: '1.4.2', liveVersion: '1.4.2', errors: [] },
      { name: 'shop/checkout', state: 'InProgress', version: '1.4.2', liveVersion: '1.4.1', reason: 'NotAllUpdated 1/2', errors: [] },
      { name: 'cascade/app-config', state: 'Clean', errors: [] },
    ],
  });
  deployer.report({ name: 'feature-jira-12-login', tag: '1f3e9a2', phase: 'CreatePending', reason: 'NotAllUpdated 0/2', links: link('feature-jira-12-login') });
  deployer.report({ name: 'payments-v2', tag: '2.0.0-rc.1', phase: 'Failure', reason: 'Deployment payments: ImagePullBackOff (registry.example.com/payments:2.0.0-rc.1 not found)', links: link('payments-v2') });
  deployer.report({ name: 'sales-demo', tag: '1.4.1', phase: 'Archived' });
  deployer.log('checkout-test', [
    { action: 'create', startedAt: started, finishedAt: new Date(Date.parse(started) + 84_000).toISOString(), durationMs: 84_000, result: 'succeeded', message: 'every resource rolled out', commit },
  ]);
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** Waits until every stand-in phase has reached the page. */
async function settled(page: Page): Promise<void> {
  await page.locator('li[data-staging="payments-v2"][data-phase="Failure"]').waitFor();
  await page.locator('li[data-staging="sales-demo"][data-phase="Archived"]').waitFor();
}

describe('screenshots of the stagings pages', () => {
  it('the list: running, being created, failed with its reason, archived apart', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings', viewport: { width: 1280, height: 720 } });
    await settled(page);
    expect(await page.getByTestId('archived-stagings').locator('li[data-staging]').count()).toBe(1);
    await page.screenshot({ path: join(OUT, 'stagings.png') });
  });

  it("a staging's page as an admin: resources with their rollout, history, action log", async () => {
    const page = await dashboard.open({ role: 'admin', hash: '#/staging/checkout-test', viewport: { width: 1280, height: 1000 } });
    await page.getByTestId('action-log').waitFor();
    await page.getByTestId('staging-resources').locator('[data-resource="shop/checkout"]', { hasText: 'updating: 1 of 2 pods on the new version' }).waitFor();
    await page.screenshot({ path: join(OUT, 'staging.png'), fullPage: true });
  });

  it('the list at phone width', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings', viewport: PHONE });
    await settled(page);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth')).toBe(false);
    await page.screenshot({ path: join(OUT, 'phone-stagings.png') });
  });
});
