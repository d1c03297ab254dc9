// The stagings pages in a real Chromium against a real aggregator on a real bare remote (examples/shop with its
// staging kind), with a stand-in deployer whose staging phases each test sets. The tests build on each other in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseStagingFile, type Staging } from '@cascade/common';
import { generateAgeIdentity } from '@cascade/common/secrets';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleStagingFixture } from './support/example-repo.ts';
import { recordNetwork } from './support/network-recorder.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';
import { StagingDeployerStandIn } from './support/staging-stand-in.ts';

// Unique per run, so nothing left over from another run can make the secret test pass or fail.
const CANARY = `stagingcanary${Date.now().toString(36)}`;
const PHONE = { width: 390, height: 844 };
const DAY = 86_400_000;
let dashboard: Dashboard;
let deployer: StagingDeployerStandIn;

beforeAll(async () => {
  const key = await generateAgeIdentity(new Date());
  deployer = new StagingDeployerStandIn(exampleDeployerStatus(exampleFiles()));
  dashboard = await startDashboard({
    fixture: exampleStagingFixture(key.recipient),
    peers: { deployer: deployer.status, transitioner: () => ({ transitions: [] }), deployerRoutes: deployer.routes },
  });
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** A staging's row in the list. */
const row = (page: Page, name: string) => page.locator(`li[data-staging="${name}"]`);
/** The staging file on the remote, read the way Cascade reads it; undefined when there is none. */
async function remoteStaging(name: string): Promise<{ text: string; staging: Staging } | undefined> {
  const text = await dashboard.fx.readFile('main', `stagings/${name}.yaml`);
  if (text === null) return undefined;
  return { text, staging: parseStagingFile(`stagings/${name}.yaml`, name, 'remote', text).staging };
}
const head = async () => (await dashboard.fx.git('rev-parse', 'main')).trim();
/** The page's HTML with the values of its inputs, which the HTML does not carry. */
const domOf = async (page: Page) => `${await page.content()}\n${await page.evaluate<string>("[...document.querySelectorAll('input, textarea')].map((input) => input.value).join('\\n')")}`;
/** Whether the page, or the view inside it, scrolls sideways. */
const overflows = (page: Page) =>
  page.evaluate<boolean>(`(() => {
    const root = document.documentElement;
    const view = document.querySelector('main > *');
    return root.scrollWidth > root.clientWidth || (view !== null && view.scrollWidth > view.clientWidth);
  })()`);

describe('the stagings pages', () => {
  it('explains stagings to an installation without any: what they are, the CI command, a Create button', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings' });
    const empty = page.getByTestId('stagings-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('short-lived copy of an environment');
    expect(await empty.locator('pre').textContent()).toBe('cascade staging deploy --from-branch "$BRANCH" --kind feature --tag "$COMMIT"');
    await page.getByTestId('identity').waitFor();
    const create = empty.getByRole('button', { name: 'Create a staging' });
    expect(await create.getAttribute('aria-disabled')).toBeNull();
    await create.click();
    await page.waitForURL(/#\/stagings\/new$/);
    expect(await page.getByRole('link', { name: 'Stagings', exact: true }).getAttribute('aria-current')).toBe('page');
  });

  it('creates a staging through the form: the name as it will be, the file on the remote, the row in the list', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings/new' });
    await page.getByLabel('Name', { exact: true }).fill('Checkout Test');
    expect(await page.getByTestId('normalised-name').textContent()).toBe('checkout-test');
    expect(await page.locator('[data-field="name"]').textContent()).toContain('https://checkout-test.shop.example.com');
    await page.getByLabel('Tag', { exact: true }).fill('1.4.2');
    await page.getByRole('button', { name: 'Add a variable' }).click();
    await page.getByLabel('Application config: key 1').fill('FEATURE_FLAGS');
    await page.getByLabel('Application config: value of FEATURE_FLAGS').fill('new-checkout');
    await page.getByRole('button', { name: 'Add a field' }).click();
    await page.getByLabel('Deployment config: key 1').fill('replicas');
    await page.getByLabel('Deployment config: value of replicas').fill('1');
    await page.getByRole('button', { name: 'Create staging' }).click();

    await page.waitForURL(/#\/staging\/checkout-test$/);
    await page.getByRole('heading', { name: 'checkout-test', level: 1 }).waitFor();
    const remote = await remoteStaging('checkout-test');
    expect(remote?.staging).toMatchObject({ kind: 'feature', tag: '1.4.2', state: 'active', app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 } });
    expect(await dashboard.fx.git('log', '-1', '--format=%an%n%B', 'main')).toMatch(/^operator-person\n[\s\S]*Cascade-Type: Staging[\s\S]*Cascade-Action: create/);

    await page.getByRole('link', { name: 'Stagings', exact: true }).click();
    const created = row(page, 'checkout-test');
    await created.waitFor();
    expect(await created.textContent()).toContain('1.4.2');
    expect(await created.getByTestId('staging-changed').textContent()).toMatch(/^changed by operator-person just now$/);
    // The kind archives a staging nobody changed for 7 days: counted from the file's updatedAt.
    expect(await created.getByTestId('staging-next').textContent()).toBe('archived in 7 d');
    const archiveAt = new Date(Date.parse(remote!.staging.updatedAt!) + 7 * DAY).toISOString();
    expect(await created.getByTestId('staging-next').locator('time').getAttribute('datetime')).toBe(archiveAt);
    // "Changed" is the commit's time, which may fall a second after the file's updatedAt (taken when the request came).
    const committedAt = (await dashboard.fx.git('log', '-1', '--format=%aI', 'main')).trim();
    const changedAt = await created.getByTestId('staging-changed').locator('time').getAttribute('title');
    expect(changedAt).toBe(await page.evaluate(`new Date(${JSON.stringify(committedAt)}).toLocaleString()`));
  });

  it('shows an API refusal at the field it concerns, and writes nothing', async () => {
    const before = await head();
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings/new' });
    const name = page.getByLabel('Name', { exact: true });
    await name.fill('checkout-test');
    await page.getByLabel('Tag', { exact: true }).fill('1.4.2');
    await page.getByRole('button', { name: 'Create staging' }).click();
    const nameProblem = page.locator('[data-field="name"] .error-text');
    await nameProblem.waitFor();
    expect(await nameProblem.textContent()).toContain('staging "checkout-test" exists already');
    expect(await name.getAttribute('aria-invalid')).toBe('true');

    await name.fill('other-test');
    await page.getByRole('button', { name: 'Add a variable' }).click();
    await page.getByLabel('Application config: key 1').fill('1BAD');
    await page.getByLabel('Application config: value of 1BAD').fill('x');
    await page.getByRole('button', { name: 'Create staging' }).click();
    const appProblem = page.locator('[data-field="app"] .error-text');
    await appProblem.waitFor();
    expect(await appProblem.textContent()).toContain('app.1BAD: keys are variable names');
    expect(await page.getByLabel('Application config: key 1').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-field="name"] .error-text').count()).toBe(0);
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Application config: key 1');
    expect([await head(), await remoteStaging('other-test')]).toEqual([before, undefined]);
  });

  it("follows the deployer's phase without a reload: a spinner while created, the reason of a failure, then running", async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/stagings' });
    const phase = row(page, 'checkout-test').getByTestId('staging-phase');
    await phase.filter({ hasText: 'waiting for the deployer' }).waitFor();
    await page.evaluate(`window.marker = 'same page'`);
    deployer.report({ name: 'checkout-test', tag: '1.4.2', phase: 'CreatePending', reason: 'NotAllUpdated 0/1' });
    await phase.filter({ hasText: 'being created' }).waitFor();
    expect(await phase.getAttribute('data-pending')).toBe('true');
    expect(await row(page, 'checkout-test').getByTestId('staging-reason').textContent()).toBe('updating: 0 of 1 pods on the new version');
    expect(await row(page, 'checkout-test').getByTestId('staging-reason').getAttribute('title')).toBe('NotAllUpdated 0/1');
    deployer.report({ name: 'checkout-test', phase: 'Failure', reason: 'Deployment cart: ImagePullBackOff' });
    await phase.filter({ hasText: 'failed' }).waitFor();
    expect(await phase.getAttribute('data-pending')).toBeNull();
    expect(await row(page, 'checkout-test').getByTestId('staging-reason').textContent()).toBe('Deployment cart: ImagePullBackOff');
    deployer.report({ name: 'checkout-test', phase: 'Running', reason: undefined, links: [{ name: 'checkout-test.shop.example.com', url: 'https://checkout-test.shop.example.com' }] });
    await phase.filter({ hasText: 'running' }).waitFor();
    const link = row(page, 'checkout-test').getByRole('link', { name: /checkout-test\.shop\.example\.com/ });
    expect([await link.getAttribute('href'), await link.getAttribute('target'), await link.getAttribute('rel')]).toEqual(['https://checkout-test.shop.example.com', '_blank', 'noopener noreferrer']);
    expect(await page.evaluate('window.marker')).toBe('same page');
  });

  it('shows a staging created through the API in an open page, and keeps filters and search in the URL', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/stagings' });
    await row(page, 'checkout-test').waitFor();
    await page.evaluate(`window.marker = 'same page'`);
    const created = await dashboard.call('POST', '/api/v1/stagings', { role: 'ci', body: { name: 'api-made', kind: 'feature', tag: '1.4.1' } });
    expect(created.status).toBe(201);
    await row(page, 'api-made').waitFor();
    expect(await row(page, 'api-made').textContent()).toContain('changed by ci-person');
    expect(await page.evaluate('window.marker')).toBe('same page');

    await page.getByLabel('Search').fill('api');
    await page.waitForURL(/#\/stagings\?q=api$/);
    expect(await page.locator('li[data-staging]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-staging')))).toEqual(['api-made']);
    await page.getByLabel('State').selectOption('running');
    await page.waitForURL(/#\/stagings\?state=running&q=api$/);
    expect(await page.locator('li[data-staging]').count()).toBe(0);
    const linked = await dashboard.open({ role: 'viewer', hash: '#/stagings?state=running' });
    await row(linked, 'checkout-test').waitFor();
    expect(await linked.locator('li[data-staging]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-staging')))).toEqual(['checkout-test']);
  });

  it('archives and restores a staging, each after a confirmation that says what happens', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings' });
    await page.getByTestId('identity').waitFor();
    const archive = row(page, 'checkout-test').getByRole('button', { name: 'Archive checkout-test' });
    await archive.click();
    const confirmArchive = page.getByRole('dialog', { name: 'Archive checkout-test?' });
    expect(await confirmArchive.textContent()).toContain("stops the services of checkout-test; its data is kept for 3 days, then it is cleaned up");
    const before = await head();
    await confirmArchive.getByRole('button', { name: 'Cancel' }).click();
    expect([await confirmArchive.isVisible(), await head()]).toEqual([false, before]);

    await archive.click();
    await confirmArchive.getByRole('button', { name: 'Archive', exact: true }).click();
    const archived = page.getByTestId('archived-stagings').locator('li[data-staging="checkout-test"]');
    await archived.waitFor();
    const file = (await remoteStaging('checkout-test'))?.staging;
    expect(file?.state).toBe('archived');
    // Its data is kept for the kind's retention of 3 days, counted from archivedAt.
    expect(await archived.getByTestId('staging-next').textContent()).toBe('cleaned up in 3 d');
    expect(await archived.getByTestId('staging-next').locator('time').getAttribute('datetime')).toBe(new Date(Date.parse(file!.archivedAt!) + 3 * DAY).toISOString());

    await archived.getByRole('button', { name: 'Restore checkout-test' }).click();
    const confirmRestore = page.getByRole('dialog', { name: 'Restore checkout-test?' });
    expect(await confirmRestore.textContent()).toContain('runs again with its last settings');
    await confirmRestore.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByTestId('active-stagings').locator('li[data-staging="checkout-test"]').waitFor();
    expect((await remoteStaging('checkout-test'))?.staging.state).toBe('active');
    const actions = await dashboard.fx.git('log', '-2', '--format=%an %(trailers:key=Cascade-Action,valueonly,separator=)', 'main');
    expect(actions.trim().split('\n')).toEqual(['operator-person restore', 'operator-person archive']);
  });

  it('changes a staging through the edit form, offering the versions its template has seen', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/staging/checkout-test/edit' });
    const tag = page.getByLabel('Tag', { exact: true });
    await tag.waitFor();
    expect(await tag.inputValue()).toBe('1.4.2');
    const offered = await page.locator(`datalist#${await tag.getAttribute('list')} option`).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('value')));
    expect(offered).toEqual(expect.arrayContaining(['1.4.2', '1.4.1']));
    expect(await page.getByLabel('Application config: value of FEATURE_FLAGS').getAttribute('placeholder')).toBe('hidden: enter it again to change this config');
    await tag.fill('1.4.1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/#\/staging\/checkout-test$/);
    await page.getByTestId('staging-tag').filter({ hasText: '1.4.1' }).waitFor();
    const remote = await remoteStaging('checkout-test');
    // The hidden application config stayed as it was: the form sent only the tag.
    expect(remote?.staging).toMatchObject({ tag: '1.4.1', app: { FEATURE_FLAGS: 'new-checkout' } });
  });

  it('shows a viewer every control disabled with the reason, and does nothing when one is pressed', async () => {
    const page = await dashboard.open({ role: 'viewer', hash: '#/stagings' });
    await page.getByTestId('identity').waitFor();
    const create = page.getByRole('button', { name: 'Create staging' });
    expect([await create.getAttribute('aria-disabled'), await create.getAttribute('title')]).toEqual(['true', 'Your role viewer may not create or change stagings; a ci, operator or admin token may']);
    const archive = row(page, 'checkout-test').getByRole('button', { name: 'Archive checkout-test' });
    expect(await archive.getAttribute('aria-disabled')).toBe('true');
    await archive.click({ force: true });
    expect(await page.getByRole('dialog').isVisible()).toBe(false);

    await page.goto(`${dashboard.url}/#/staging/checkout-test`);
    const cleanup = page.getByRole('button', { name: 'Clean up checkout-test now' });
    await cleanup.waitFor();
    expect([await cleanup.getAttribute('aria-disabled'), await cleanup.getAttribute('title')]).toEqual(['true', 'Your role viewer may not clean up stagings; an admin token may']);
    expect(await page.getByRole('button', { name: 'Change the settings of checkout-test' }).getAttribute('aria-disabled')).toBe('true');
    expect(await page.getByTestId('action-log-withheld').textContent()).toContain('an admin token may');

    await page.goto(`${dashboard.url}/#/staging/checkout-test/edit`);
    const save = page.getByRole('button', { name: 'Save changes' });
    await save.waitFor();
    expect(await save.getAttribute('aria-disabled')).toBe('true');
    expect(await page.locator(`#${await save.getAttribute('aria-describedby')}`).textContent()).toBe('Your role viewer may not create or change stagings; a ci, operator or admin token may');
    const before = await head();
    await page.getByLabel('Tag', { exact: true }).fill('9.9.9');
    await save.click({ force: true }); // a person can still press it; nothing may happen
    expect(await page.locator('[data-field="form"] .error-text').count()).toBe(0);
    expect([page.url().endsWith('#/staging/checkout-test/edit'), await head()]).toEqual([true, before]);
  });

  it('never lets a secret set through the form reach the page or any response it receives', async () => {
    let recorder: Awaited<ReturnType<typeof recordNetwork>> | undefined;
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings/new', prepare: async (context) => (recorder = await recordNetwork(context)) });
    const pages: string[] = [];
    await page.getByLabel('Name', { exact: true }).fill('secret-test');
    await page.getByLabel('Tag', { exact: true }).fill('1.4.2');
    await page.getByRole('button', { name: 'Add a secret' }).click();
    await page.getByLabel('Secret 1: name').fill('STRIPE_KEY');
    const value = page.getByLabel('Secret 1: value of STRIPE_KEY');
    expect(await value.getAttribute('type')).toBe('password');
    await value.fill(CANARY);
    expect(await domOf(page)).toContain(CANARY); // the field holds it until it is sent, and domOf sees it there
    pages.push(await page.content());
    await page.getByRole('button', { name: 'Create staging' }).click();

    await page.waitForURL(/#\/staging\/secret-test$/);
    const secret = page.getByTestId('staging-settings').getByTestId('secret-field');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/set by operator-person on /);
    pages.push(await domOf(page));
    await page.getByRole('button', { name: 'Change the settings of secret-test' }).click();
    await page.getByTestId('secret-set').filter({ hasText: 'set by operator-person' }).waitFor();
    pages.push(await domOf(page));
    await page.getByRole('link', { name: 'Stagings', exact: true }).click();
    await row(page, 'secret-test').waitFor();
    pages.push(await domOf(page));

    const received = await recorder!.received(page);
    // The recording saw the staging come and go over the API and the event stream, so an absent canary means something.
    expect(received.some((body) => body.includes('/api/v1/stagings/secret-test ') && body.includes('STRIPE_KEY'))).toBe(true);
    expect(received.some((body) => /\/api\/v1\/events[? ]/.test(body) && body.includes('secret-test'))).toBe(true);
    expect([...pages, ...received].filter((text) => text.includes(CANARY))).toEqual([]);
    const remote = await remoteStaging('secret-test');
    expect([remote?.text.includes(CANARY), remote?.text.includes('ENC[AES256_GCM'), remote?.staging.secretKeys]).toEqual([false, true, ['STRIPE_KEY']]);
  });

  it("shows an admin the staging's resources, history and action log with script output, and cleans it up after a confirmation", async () => {
    const commit = await head();
    deployer.report({
      name: 'checkout-test',
      tag: '1.4.1',
      phase: 'UpdatePending',
      resources: [{ name: 'shop/cart', state: 'InProgress', version: '1.4.1', reason: 'NotAllUpdated 1/2', errors: [] }],
    });
    deployer.log(
      'checkout-test',
      [{ action: 'create', startedAt: new Date(Date.now() - 600_000).toISOString(), finishedAt: new Date(Date.now() - 590_000).toISOString(), durationMs: 10_000, result: 'succeeded', message: 'rolled out', commit }],
      [{ action: 'create', args: ['--name', 'checkout-test', '--tag', '1.4.2'], startedAt: new Date(Date.now() - 600_000).toISOString(), durationMs: 1200, exitCode: 0, timedOut: false, stdout: 'namespace cascade-shop-checkout-test created', stderr: '' }],
    );
    const page = await dashboard.open({ role: 'admin', hash: '#/staging/checkout-test' });
    const cart = page.getByTestId('staging-resources').locator('[data-resource="shop/cart"]');
    // The deployer's code in words, the code itself on hover; no Kubernetes word and no commit id in the page's text.
    await cart.filter({ hasText: 'updating: 1 of 2 pods on the new version' }).waitFor();
    expect(await cart.textContent()).toContain('in progress');
    expect(await cart.locator('.reason').getAttribute('title')).toBe('NotAllUpdated 1/2');
    const history = page.getByTestId('staging-history').locator('li');
    await history.first().waitFor();
    const pageText = (await page.locator('article.staging-page').textContent()) ?? '';
    expect(pageText).not.toMatch(/NotAllUpdated|NotYetObserved|InProgress|UpdatePending|\(deployable\)/);
    expect(pageText).not.toContain(commit.slice(0, 8));
    expect(await history.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-action')))).toEqual(['update', 'restore', 'archive', 'create']);
    expect(await history.first().textContent()).toContain('operator-person');
    const log = page.getByTestId('action-log');
    await log.waitFor();
    expect(await log.textContent()).toMatch(/create\s*✓ succeeded/);
    const run = page.getByTestId('script-runs').locator('li').first();
    await run.locator('summary').click();
    expect(await run.textContent()).toContain('namespace cascade-shop-checkout-test created');
    expect(await run.locator('summary').textContent()).toContain('exit 0');

    await page.goto(`${dashboard.url}/#/staging/api-made`);
    await page.getByRole('button', { name: 'Clean up api-made now' }).click();
    const confirm = page.getByRole('dialog', { name: 'Clean up api-made now?' });
    expect(await confirm.textContent()).toContain('deletes the staging with its data now');
    await confirm.getByRole('button', { name: 'Delete api-made with its data' }).click();
    await page.locator('.summary', { hasText: 'cleanup asked' }).waitFor();
    expect((await remoteStaging('api-made'))?.staging.state).toBe('cleanup');
  });

  it('works at phone width: the list and a staging page never scroll sideways', async () => {
    const page = await dashboard.open({ role: 'operator', hash: '#/stagings', viewport: PHONE });
    await row(page, 'checkout-test').waitFor();
    expect(await overflows(page)).toBe(false);
    await page.goto(`${dashboard.url}/#/staging/checkout-test`);
    await page.getByTestId('staging-resources').waitFor();
    expect(await overflows(page)).toBe(false);
    await page.goto(`${dashboard.url}/#/staging/checkout-test/edit`);
    await page.getByLabel('Tag', { exact: true }).waitFor();
    expect(await overflows(page)).toBe(false);
  });
});
