// The aggregator commands end to end: the CLI in-process against a real aggregator on a socket and a real bare remote.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Role } from '@cascade/common/service';
import { hashToken } from '@cascade/common/service';
import { startHarness, type Harness } from '@cascade/aggregator/testing';
import { main } from '../main.ts';
import type { Io } from '../output.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  process.env['CASCADE_URL'] = h.aggregator.url;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h.cleanup();
});

/** Runs the CLI as `role` and captures what a user would see. */
async function run(role: Role | undefined, ...args: string[]) {
  if (role) process.env['CASCADE_TOKEN'] = h.tokens[role];
  else delete process.env['CASCADE_TOKEN'];
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const exitCode = await main(args, io);
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('cascade push', () => {
  it('pushes with typed --set values, --set-string and a changelog file, then finds the repeat unchanged', async () => {
    const changelog = join(h.fx.dir, 'changes.md');
    await writeFile(changelog, 'Fix rounding of discounts\n');
    const args = ['push', 'shop/cart', '1.10', '--set', 'replicas=3', '--set', 'image=registry/cart:1.10', '--set-string', 'tag=0123', '--changelog', changelog, '-o', 'json'];
    const first = await run('ci', ...args);
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'created', version: '1.10', env: 'latest' });
    expect(parse((await h.fx.readFile('main', 'latest/version/shop/cart.yaml')) as string)).toEqual({ version: '1.10', image: 'registry/cart:1.10', replicas: 3, tag: '0123' });
    expect(await h.fx.git('log', '-1', '--format=%b', 'main')).toContain('Fix rounding of discounts');
    const again = await run('ci', ...args.slice(0, -2));
    expect(again).toMatchObject({ exitCode: 0 });
    expect(again.stdout).toContain('was already in latest');
  });

  it('exits 2 on usage mistakes, 1 with the server message on refusals, 3 when the aggregator is unreachable', async () => {
    expect((await run('ci', 'push', 'shop/cart')).exitCode).toBe(2);
    expect((await run('ci', 'push', 'shop/cart', '1', '--set', 'novalue')).exitCode).toBe(2);
    const forbidden = await run('viewer', 'push', 'shop/cart', '9.9.9');
    expect(forbidden.exitCode).toBe(1);
    expect(forbidden.stderr).toContain('role viewer may not use versions:write');
    expect(forbidden.stderr).toContain('hint:');
    const missingBase = await run('operator', 'push', 'search', '1.0.0', '--env', 'dev');
    expect(missingBase).toMatchObject({ exitCode: 1 });
    expect(missingBase.stderr).toContain('dev/base/search.yaml');
    process.env['CASCADE_URL'] = 'http://127.0.0.1:9';
    try {
      const unreachable = await run('ci', 'push', 'shop/cart', '9.9.9');
      expect(unreachable.exitCode).toBe(3);
      expect(unreachable.stderr).toContain('cannot reach the aggregator at http://127.0.0.1:9');
    } finally {
      process.env['CASCADE_URL'] = h.aggregator.url;
    }
  });

  it('pushes past a lock only as an operator with --lock-override, which the commit records', async () => {
    expect((await run('operator', 'lock', 'prod', '--reason', 'release freeze')).exitCode).toBe(0);
    try {
      const ci = await run('ci', 'push', 'shop/cart', '1.0.1', '--env', 'prod', '--lock-override', 'urgent');
      expect(ci).toMatchObject({ exitCode: 1 });
      expect(ci.stderr).toContain('lockOverride');
      const refused = await run('operator', 'push', 'shop/cart', '1.0.1', '--env', 'prod');
      expect(refused).toMatchObject({ exitCode: 1 });
      expect(refused.stderr).toContain('--lock-override');
      const pushed = await run('operator', 'push', 'shop/cart', '1.0.1', '--env', 'prod', '--lock-override', 'hotfix for incident 4711');
      expect(pushed).toMatchObject({ exitCode: 0 });
      expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Cascade-Lock-Override: hotfix for incident 4711');
    } finally {
      // Put prod back as the tests below expect it.
      await run('operator', 'push', 'shop/cart', '1.0.0', '--env', 'prod', '--lock-override', 'test cleanup');
      await run('operator', 'unlock', 'prod');
    }
  });
});

describe('locks, rollbacks, promotions, status and history', () => {
  it('locks and unlocks, showing the lock in status', async () => {
    expect((await run('operator', 'lock', 'prod')).exitCode).toBe(2);
    const lock = await run('operator', 'lock', 'prod', 'shop/cart', '--reason', '4711');
    expect(lock).toMatchObject({ exitCode: 0 });
    expect(lock.stdout).toContain('shop/cart in prod is locked ("4711")');
    await h.aggregator.refresh();
    const status = await run('viewer', 'status');
    expect(status.stdout).toMatch(/shop\/cart\s+1\.10\s+1\.0\.0\s+1\.0\.0 \[locked\]/);
    expect(status.stdout).toContain('shop/cart in prod is locked: 4711');
    expect(status.stdout).toMatch(/INTO\s+FROM\s+WAITING\s+WHY/);
    const prod = JSON.parse((await run('viewer', 'status', 'prod', '-o', 'json')).stdout) as { resources: Array<{ name: string; lockReasons: string[] }> };
    expect(prod.resources.find((r) => r.name === 'shop/cart')?.lockReasons).toEqual(['4711']);
    const unlock = await run('operator', 'unlock', 'prod', 'shop/cart');
    expect(unlock.stdout).toContain('shop/cart in prod is unlocked');
  });

  it('rolls back and says the resource stays locked', async () => {
    const result = await run('operator', 'rollback', 'prod', 'shop/cart', '--to', '0.9.0');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('locked there ("rolled back to 0.9.0 by operator-bot")');
    expect(result.stdout).toContain('cascade unlock prod shop/cart');
    expect((await run('operator', 'rollback', 'prod', 'shop/cart')).exitCode).toBe(2);
  });

  it('lists history with filters and exits 3 when the transitioner is unreachable for a promotion', async () => {
    await h.aggregator.refresh();
    const history = await run('viewer', 'history', '--env', 'prod', '--type', 'Rollback', '-o', 'json');
    const page = JSON.parse(history.stdout) as { entries: Array<{ type: string; versions: string[] }> };
    expect(page.entries.map((e) => [e.type, e.versions])).toEqual([['Rollback', ['0.9.0']]]);
    const table = await run('viewer', 'history', '--limit', '2');
    expect(table.stdout.split('\n')[0]).toMatch(/^COMMIT\s+TIME\s+TYPE/);
    expect(table.stderr).toContain('more: cascade history --cursor');
    const promote = await run('operator', 'promote', 'dev');
    expect(promote.exitCode).toBe(3);
    expect(promote.stderr).toContain('transitioner');
  });

  it('rolls several environments back in one commit with --env a,b', async () => {
    const before = (await h.remoteCommits()).length;
    const result = await run('operator', 'rollback', '--env', 'dev,prod', 'shop/cart', '--to', '1.0.0');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('shop/cart in dev and prod is back at 1.0.0 and locked there');
    expect(result.stdout).toContain('cascade unlock dev shop/cart');
    expect(result.stdout).toContain('cascade unlock prod shop/cart');
    expect((await h.remoteCommits()).length).toBe(before + 1);
    expect((await run('operator', 'rollback', '--env', 'dev,prod', '--to', '1.0.0')).exitCode).toBe(2);
    expect((await run('operator', 'rollback', 'dev', 'shop/cart', '--env', 'prod', '--to', '1.0.0')).exitCode).toBe(2);
    const never = await run('operator', 'rollback', 'prod', 'shop/cart', '--to', '7.7.7');
    expect(never.exitCode).toBe(1);
    expect(never.stderr).toContain('never had shop/cart at version "7.7.7" (it had 1.0.0, 0.9.0, 1.0.1)');
    for (const env of ['dev', 'prod']) await run('operator', 'unlock', env, 'shop/cart');
  });

  it('names an unknown environment or resource as such, with the name meant', async () => {
    const typo = await run('operator', 'rollback', 'prod', 'shop/crt', '--to', '1.0.0');
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toContain('resource "shop/crt" does not exist in prod; did you mean shop/cart?');
    const env = await run('operator', 'rollback', 'prdo', 'shop/cart', '--to', '1.0.0');
    expect(env.stderr).toContain('environment "prdo" does not exist (did you mean prod?)');
    const history = await run('viewer', 'history', '--resource', 'shop/crt');
    expect(history.exitCode).toBe(1);
    expect(history.stderr).toContain('resource "shop/crt" does not exist in the repo');
    expect(history.stderr).toContain('Did you mean shop/cart?');
  });
});

describe('cascade status --fields', () => {
  it('lists the version file of each resource, secret config as (hidden) unless the token may read secrets', async () => {
    const fields = { image: 'registry/payments:2.0.0', config: { DATABASE_URL: 'postgres://pay:cli-canary-91d2@db/pay', LOG_LEVEL: 'debug' } };
    expect((await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'payments', version: '2.0.0', fields } })).status).toBe(201);
    await h.aggregator.refresh();
    const viewer = await run('viewer', 'status', 'latest', '--fields');
    expect(viewer.exitCode).toBe(0);
    expect(viewer.stdout).toMatch(/payments\s+image\s+registry\/payments:2\.0\.0\n/);
    expect(viewer.stdout).toMatch(/payments\s+config\.DATABASE_URL\s+\(hidden\)\n/);
    expect(viewer.stdout).toMatch(/payments\s+config\.LOG_LEVEL\s+\(hidden\)/);
    const json = await run('viewer', 'status', 'latest', '-o', 'json');
    expect(json.stdout).not.toContain('cli-canary-91d2');
    expect((JSON.parse(json.stdout) as { resources: Array<{ name: string; withheld?: string[] }> }).resources.find((r) => r.name === 'payments')?.withheld).toEqual(['config.DATABASE_URL', 'config.LOG_LEVEL']);
    const admin = await run('admin', 'status', 'latest', '--fields');
    expect(admin.stdout).toMatch(/payments\s+config\.DATABASE_URL\s+postgres:\/\/pay:cli-canary-91d2@db\/pay/);
    // Without --fields, values are not printed at all, not even for an admin.
    expect((await run('admin', 'status', 'latest')).stdout).not.toContain('cli-canary-91d2');
    expect((await run('viewer', 'status', '--fields')).exitCode).toBe(2);
  });
});

describe('cascade token', () => {
  it('prints a token on stdout and the config line with its sha256 on stderr', async () => {
    const result = await run(undefined, 'token', 'new', '--name', 'github-ci', '--role', 'operator');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^cascade_[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain(`- { name: github-ci, role: operator, sha256: ${hashToken(result.stdout)} }`);
    expect((await run(undefined, 'token', 'new', '--role', 'root')).exitCode).toBe(2);
  });
});
