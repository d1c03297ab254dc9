// Secret config never leaves the stack for a viewer: a canary value in a version file's config and deploymentConfig,
// deployed for real, is looked for in every GET route of the aggregator (from its OpenAPI document), the first events
// of the live stream, the deployer's and the transitioner's own status, and `cascade status -o json`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import { WITHHELD } from '@cascade/common/api';
import { aggregatorGetPaths, readRoute as read } from './api-reads.ts';
import { waitFor } from './harness.ts';
import { useStacks } from './stack-hooks.ts';

const startStack = useStacks();

// Unique per run, so a hit can only come from this test's repo.
const CANARY = `cfgcanary${Date.now().toString(36)}`;
const DEPLOY_CANARY = `deploycanary${Date.now().toString(36)}`;
const SHOP_BASE = fileURLToPath(new URL('../../examples/shop/dev/base/shop/cart.yaml', import.meta.url));

/** The cart's version file with secret config; the same in latest and dev, so the dev transition changes nothing. */
const cartVersion = [
  'version: "1.4.2"',
  'image: registry.example.com/shop/cart:1.4.2',
  'replicas: 1',
  'config:',
  '  logLevel: debug',
  `  DATABASE_URL: "postgres://cart:${CANARY}@db:5432/cart"`,
  'deploymentConfig:',
  `  SMTP_PASS: ${DEPLOY_CANARY}`,
  '',
].join('\n');

/** The example's cart template, rendering the secret into the Deployment as a real installation would. */
const cartBase = readFileSync(SHOP_BASE, 'utf8').replace(
  '            - { name: LOG_LEVEL, value: "${config.logLevel}" }',
  '            - { name: LOG_LEVEL, value: "${config.logLevel}" }\n            - { name: DATABASE_URL, value: "${config.DATABASE_URL}" }',
);

function containsCanary(text: string): boolean {
  return text.includes(CANARY) || text.includes(DEPLOY_CANARY);
}

describe('secret config on the real stack', () => {
  it('reaches no viewer, anonymous or not, on any route; admins see it; a public key is shown to all', async () => {
    const stack = await startStack({
      prefix: 'e2e-canary',
      anonymousRead: true,
      publicConfig: ['logLevel'],
      files: { 'latest/version/shop/cart.yaml': cartVersion, 'dev/version/shop/cart.yaml': cartVersion, 'dev/base/shop/cart.yaml': cartBase },
    });
    // The deployer really renders and applies the secret, so its status and the aggregator's are complete.
    await waitFor('dev to run the cart with its config, as the aggregator reports it', async () => {
      const env = (await stack.deployment('dev', 'cart'))?.spec?.template.spec?.containers[0]?.env ?? [];
      if (!env.some((e) => e.name === 'DATABASE_URL' && e.value?.includes(CANARY))) return undefined;
      const answer = (await (await fetch(`${stack.services.aggregator.url}/api/v1/status`, { headers: { authorization: `Bearer ${stack.tokens.admin}` } })).json()) as AggregatorStatus;
      const dev = answer.deployer.state === 'ok' ? answer.deployer.status.environments.find((e) => e.env === 'dev') : undefined;
      return dev?.commit === answer.commit && dev.resources.some((r) => r.name === 'shop/cart') && answer.transitioner.state === 'ok' ? true : undefined;
    });

    const paths = await aggregatorGetPaths(stack, ['/api/v1/history?env=dev&resource=shop/cart', '/api/v1/versions?env=dev&resource=shop/cart']);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/status', '/api/v1/events', '/api/v1/history']));
    for (const token of [stack.tokens.viewer, undefined]) {
      const who = token ? 'viewer' : 'anonymous';
      for (const path of paths) {
        const { status, text } = await read(`${stack.services.aggregator.url}${path}`, token);
        // The UI page is a 404 page when the dashboard is not built; every other route must answer in full.
        expect([who, path, status]).toEqual([who, path, path === '/' ? expect.any(Number) : 200]);
        expect([who, path, containsCanary(text)]).toEqual([who, path, false]);
      }
    }
    for (const service of [stack.services.deployer, stack.services.transitioner]) {
      for (const path of ['/status', '/healthz', '/readyz', '/metrics']) {
        const { text } = await read(`${service.url}${path}`, undefined);
        expect([service.name, path, containsCanary(text)]).toEqual([service.name, path, false]);
      }
    }
    // The CLI as a viewer (other roles without secrets:read get the same view: aggregator/src/api/secret-values.test.ts).
    const json = await stack.cli('viewer', ['status', '-o', 'json']);
    expect(json, json.stderr).toMatchObject({ code: 0 });
    expect(containsCanary(json.stdout)).toBe(false);
    const fields = await stack.cli('viewer', ['status', 'dev', '--fields']);
    expect(containsCanary(fields.stdout)).toBe(false);
    expect(fields.stdout).toMatch(/shop\/cart\s+config\.DATABASE_URL\s+\(hidden\)/);
    expect(fields.stdout).toMatch(/shop\/cart\s+config\.logLevel\s+debug/);

    // What the viewer is shown instead: the key, the marker, the list; the public key with its value.
    const viewer = JSON.parse(json.stdout) as AggregatorStatus;
    expect(viewer.resources.find((r) => r.name === 'shop/cart')?.envs['dev']).toMatchObject({
      fields: { config: { logLevel: 'debug', DATABASE_URL: WITHHELD }, deploymentConfig: { SMTP_PASS: WITHHELD } },
      withheld: ['config.DATABASE_URL', 'deploymentConfig.SMTP_PASS'],
    });
    const admin = JSON.parse((await stack.cli('admin', ['status', '-o', 'json'])).stdout) as AggregatorStatus;
    expect(admin.resources.find((r) => r.name === 'shop/cart')?.envs['dev']?.fields).toMatchObject({
      config: { logLevel: 'debug', DATABASE_URL: `postgres://cart:${CANARY}@db:5432/cart` },
      deploymentConfig: { SMTP_PASS: DEPLOY_CANARY },
    });
    const adminEvents = await read(`${stack.services.aggregator.url}/api/v1/events`, stack.tokens.admin);
    expect(adminEvents.text).toContain(CANARY);
  });
});
