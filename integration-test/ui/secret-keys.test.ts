// What the dashboard shows of SOPS-encrypted version-file values, in a real Chromium against a real aggregator: the
// key, who set it and when, for every role alike; never the value, not even encrypted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Role } from '@cascade/common/service';
import { encryptSopsYaml, generateAgeIdentity } from '@cascade/common/secrets';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleFiles, exampleShopFixture } from './support/example-repo.ts';
import { exampleDeployerStatus } from './support/peer-stubs.ts';

const CART = 'version/shop/cart.yaml';
// Unique per run; nothing in the stack can decrypt it, so what could show is the encrypted text: looked for too.
const CANARY = `uicanary${Date.now().toString(36)}`;
const SETTER = { name: 'Sam Secrets', email: 'sam@shop.example' };
let dashboard: Dashboard;
let encryptedValue: string;
let setAt: Date;

beforeAll(async () => {
  const files = exampleFiles();
  const now = new Date();
  const key = await generateAgeIdentity(now);
  // Encrypted as the aggregator writes a push with secrets: only the `secrets` map, so version and image stay readable.
  const plain = `${files[`dev/${CART}`]!}secrets:\n  API_KEY: ${CANARY}\n`;
  const encrypted = await encryptSopsYaml(plain, { file: `dev/${CART}`, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, macOnlyEncrypted: true, now });
  encryptedValue = /API_KEY: (ENC\[AES256_GCM,[^\]]+\])/.exec(encrypted)?.[1] ?? '';
  expect(encryptedValue).not.toBe('');
  const fixture = exampleShopFixture();
  fixture.commits.push(
    { name: 'secret', author: SETTER, message: 'Set the cart API key in dev', files: { [`dev/${CART}`]: encrypted } },
    // A transition copies the encrypted value unchanged: pp shows who set it, not who copied it.
    { name: 'promote', author: { name: 'cascade-transitioner', email: 'transitioner@cascade.invalid' }, message: 'Transition pp: dev → pp', files: { [`pp/${CART}`]: encrypted } },
  );
  const deployer = exampleDeployerStatus(exampleFiles());
  dashboard = await startDashboard({ fixture, peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
  setAt = new Date((await dashboard.fx.git('log', '-1', '--format=%aI', dashboard.fx.commits['secret'] ?? '')).trim());
});
afterAll(async () => {
  await dashboard?.cleanup();
});

/** The shop/cart card of `env` as `role`, its version-file keys opened. */
async function openFields(role: Role, env: string): Promise<{ page: Page; fields: ReturnType<Page['locator']> }> {
  const page = await dashboard.open({ role, hash: `#/resource/shop%2Fcart?env=${env}` });
  const fields = page.locator(`section.env-card[data-env="${env}"] [data-testid="version-fields"]`);
  await fields.locator('summary').click();
  return { page, fields };
}

describe('encrypted version-file values in the resource view', () => {
  for (const role of ['viewer', 'admin'] as const) {
    it(`shows ${role}s the key as secret, set by whom and on which day, and never the value`, async () => {
      for (const env of ['dev', 'pp']) {
        const { page, fields } = await openFields(role, env);
        const row = fields.locator('dt', { hasText: 'secrets.API_KEY' }).locator('xpath=following-sibling::dd[1]');
        expect(await row.getAttribute('data-testid')).toBe('secret-field');
        const time = row.locator('time');
        const datetime = (await time.getAttribute('datetime')) ?? '';
        expect([env, Date.parse(datetime)]).toEqual([env, setAt.getTime()]);
        // The day as the browser's locale writes it, so the test holds wherever it runs.
        const day = await page.evaluate((iso) => new Date(iso).toLocaleDateString(), datetime);
        expect([env, (await row.textContent())?.replace(/\s+/g, ' ').trim()]).toEqual([env, `secret · set by ${SETTER.name} on ${day}`]);
        // One row per key, the secret's only as that row; the other keys still show their values.
        expect([env, await fields.locator('dt').allTextContents()]).toEqual([env, ['image', 'replicas', 'config.logLevel', 'secrets.API_KEY']]);
        expect(await fields.locator('dt', { hasText: 'image' }).locator('xpath=following-sibling::dd[1]').textContent()).toBe('registry.example.com/shop/cart:1.4.2');
        const html = await page.content();
        expect([env, html.includes(CANARY), html.includes(encryptedValue), html.includes('ENC[AES256_GCM')]).toEqual([env, false, false, false]);
      }
    });
  }
});
