// Every command that takes an environment, resource, transition or staging name refuses one the repo does not have
// as such (its own error code, exit 1) and names the one meant, instead of failing on something else further on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cascade/common/service';
import { startHarness, stagingFixture, type Harness } from '@cascade/aggregator/testing';
import { runCli } from '../testing/run-cli.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: stagingFixture() });
  process.env['CASCADE_URL'] = h.aggregator.url;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h.cleanup();
});

/** Runs the CLI as `role`. */
async function run(role: Role, ...args: string[]) {
  process.env['CASCADE_TOKEN'] = h.tokens[role];
  return runCli(...args);
}

/** Expects exit 1 and stderr holding each piece. */
function refused(result: { exitCode: number; stdout: string; stderr: string }, ...pieces: string[]) {
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toBe('');
  for (const piece of pieces) expect(result.stderr).toContain(piece);
}

describe('a name the repo does not have', () => {
  it('cascade status ENV', async () => {
    refused(await run('viewer', 'status', 'prdo'), 'environment "prdo" does not exist', 'Did you mean prod?');
  });

  it('cascade history --env / --resource: a refusal instead of an empty table', async () => {
    refused(await run('viewer', 'history', '--env', 'prdo'), 'environment "prdo" does not exist in the repo', 'Did you mean prod?');
    refused(await run('viewer', 'history', '--resource', 'shop/crt'), 'resource "shop/crt" does not exist in the repo', 'Did you mean shop/cart?');
    refused(await run('viewer', 'history', '--resource', 'cart'), 'Did you mean shop/cart?');
  });

  it('cascade rollback ENV RESOURCE: the name, not "never had … at version …"', async () => {
    const resource = await run('operator', 'rollback', 'prod', 'shop/crt', '--to', '1.0.0');
    refused(resource, 'resource "shop/crt" does not exist in prod; did you mean shop/cart?');
    expect(resource.stderr).not.toContain('never had');
    refused(await run('operator', 'rollback', 'prod', 'shop/crt', '--to', 'abc1234'), 'did you mean shop/cart?');
    refused(await run('operator', 'rollback', 'prdo', 'shop/cart', '--to', '1.0.0'), 'environment "prdo" does not exist (did you mean prod?)');
    refused(await run('operator', 'rollback', '--env', 'dev,prdo', 'shop/cart', '--to', '1.0.0'), 'environment "prdo" does not exist (did you mean prod?)');
  });

  it('cascade lock / unlock ENV [RESOURCE]', async () => {
    refused(await run('operator', 'lock', 'prdo', '--reason', 'freeze'), 'environment "prdo" does not exist (did you mean prod?)');
    refused(await run('operator', 'lock', 'prod', 'shop/crt', '--reason', 'freeze'), 'resource "shop/crt" does not exist in any environment; did you mean shop/cart?');
    refused(await run('operator', 'unlock', 'prdo'), 'environment "prdo" does not exist (did you mean prod?)');
    refused(await run('operator', 'unlock', 'prod', 'shop/crt'), 'did you mean shop/cart?');
  });

  it('cascade promote TRANSITION', async () => {
    refused(await run('operator', 'promote', 'prdo'), 'transition "prdo" is not in transitions.yaml (did you mean prod?)');
  });

  it('cascade push RESOURCE VERSION [--env ENV]', async () => {
    refused(await run('ci', 'push', 'shop/crt', '1.2.3'), 'shop/crt is new in latest', 'did you mean shop/cart?');
    refused(await run('operator', 'push', 'shop/cart', '1.2.3', '--env', 'prdo'), 'environment "prdo" does not exist (did you mean prod?)');
  });

  it('cascade staging ACTION NAME', async () => {
    const created = await run('ci', 'staging', 'deploy', '--from-branch', 'feature/login', '--kind', 'feature', '--tag', '1f3e9a2');
    expect(created.exitCode).toBe(0);
    await h.aggregator.refresh();
    refused(await run('viewer', 'staging', 'show', 'feature-logn'), 'staging "feature-logn" does not exist', 'did you mean feature-login?');
    refused(await run('operator', 'staging', 'archive', 'feature-logn'), 'did you mean feature-login?');
    refused(await run('admin', 'staging', 'logs', 'feature-logn'), 'did you mean feature-login?');
    refused(await runCli('render', '--staging', 'feature-logn', '--repo', h.fx.remote), 'staging "feature-logn" does not exist in the repo', 'Did you mean feature-login?');
  });

  it('cascade render ENV, read from the repo itself', async () => {
    refused(await runCli('render', 'prdo', '--repo', h.fx.remote), 'environment "prdo" does not exist in the repo', 'Did you mean prod?');
  });
});

describe('an aggregator that cannot be reached', () => {
  it('says how to start one, for the playground too, and exits 3', async () => {
    process.env['CASCADE_URL'] = 'http://127.0.0.1:9';
    try {
      const result = await run('viewer', 'history');
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain('cannot reach the aggregator at http://127.0.0.1:9');
      expect(result.stderr).toContain('for the playground, npm start');
    } finally {
      process.env['CASCADE_URL'] = h.aggregator.url;
    }
  });
});
