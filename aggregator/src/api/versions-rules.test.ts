// The ci rule over HTTP against a real remote: ci pushes into the entry environment only, never past a lock;
// operators may push anywhere and past a lock only with a reason, which the commit records.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FixtureSpec } from '@cascade/git-fixture';
import { planVersionPush } from '../writes/push-version.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { SHOP_FIXTURE } from '../testing/shop-fixture.ts';

/** The shop repo with prod locked as a whole and payments locked there on its own. */
const LOCKED_PROD: FixtureSpec = {
  commits: [
    ...SHOP_FIXTURE.commits,
    {
      name: 'locked',
      message: 'Lock prod',
      files: {
        'prod/base/payments.yaml': 'kind: ConfigMap\ndata: { v: $version }\n',
        'prod/locks.yaml': 'env_lock: { reasons: [release freeze] }\nresource_locks:\n  payments: { reasons: [incident 4711] }\n',
      },
    },
  ],
};

let h: Harness;
afterEach(async () => h.cleanup());

const push = (role: 'ci' | 'operator' | 'admin', body: Record<string, unknown>) => h.call('POST', '/api/v1/versions', { role, body: { resource: 'payments', version: '2.0.0', ...body } });
const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error });

describe('POST /versions with a ci token', () => {
  it('refuses every environment but the entry one, and locked ones even when the config allows them, committing nothing', async () => {
    h = await startHarness({ fixture: LOCKED_PROD });
    const before = await h.remoteCommits();
    expect(await errorOf(await push('ci', { env: 'prod' }))).toMatchObject({ status: 403, code: 'environment-not-allowed', details: { env: 'prod', allowed: ['latest'] } });
    expect(await errorOf(await push('ci', { env: 'dev', resource: 'shop/cart' }))).toMatchObject({ status: 403, code: 'environment-not-allowed' });
    await h.cleanup();
    h = await startHarness({ fixture: LOCKED_PROD, ciEnvironments: ['prod'] });
    expect(await errorOf(await push('ci', { env: 'prod' }))).toMatchObject({ status: 423, code: 'environment-locked', details: { env: 'prod', reasons: ['release freeze'] } });
    expect(await errorOf(await push('ci', { env: 'prod', lockOverride: 'I am CI' }))).toMatchObject({ status: 403, code: 'lock-override-forbidden', details: { field: 'lockOverride' } });
    expect(await h.remoteCommits()).toHaveLength(before.length);
  });

  it('leaves a sticky rollback alone: the rolled-back resource is locked against the next push', async () => {
    h = await startHarness();
    expect((await push('ci', { resource: 'shop/cart', version: '1.1.0' })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'latest', resource: 'shop/cart', to: '1.0.0' } })).status).toBe(201);
    const refused = await errorOf(await push('ci', { resource: 'shop/cart', version: '1.2.0' }));
    expect(refused).toMatchObject({ status: 423, code: 'resource-locked', details: { env: 'latest', resource: 'shop/cart', reasons: ['rolled back to 1.0.0 by operator-bot'] } });
    expect(parse((await h.fx.readFile('main', 'latest/version/shop/cart.yaml')) as string)).toMatchObject({ version: '1.0.0' });
  });

  it('treats a locks.yaml it cannot parse as a lock, naming the file, instead of as no lock', async () => {
    h = await startHarness();
    const clone = await h.fx.clone();
    pushAsPerson(clone, 'latest/locks.yaml', 'env_lock: { reasons: [freeze by hand\n');
    const refused = await errorOf(await push('ci', { resource: 'shop/cart', version: '1.1.0' }));
    expect(refused).toMatchObject({ status: 423, code: 'environment-locked', details: { reasons: [expect.stringContaining('latest/locks.yaml cannot be read')] } });
  });

  it('honours a lock committed by someone else that the aggregator has not read yet, and one landing between two attempts', async () => {
    h = await startHarness();
    const clone = await h.fx.clone();
    pushAsPerson(clone, 'latest/locks.yaml', 'env_lock: { reasons: [freeze by hand] }\n');
    expect(await errorOf(await push('ci', { resource: 'shop/cart', version: '1.1.0' }))).toMatchObject({ status: 423, code: 'environment-locked', details: { reasons: ['freeze by hand'] } });
    pushAsPerson(clone, 'latest/locks.yaml', '');
    // The first attempt sees no lock; a person's lock lands before its push, and the retry on the new head must refuse.
    const plan = planVersionPush({ resource: 'shop/cart', version: '1.1.0', fields: {}, requester: { token: 'ci-bot', role: 'ci', author: { name: 'ci-bot', email: 'ci-bot@cascade.invalid' } } }, { ciEnvironments: [] });
    let attempts = 0;
    const write = h.aggregator.repo.write((current) => {
      attempts++;
      if (attempts === 1) pushAsPerson(clone, 'latest/locks.yaml', 'resource_locks:\n  shop/cart: { reasons: [incident] }\n');
      return plan.write(current);
    });
    await expect(write).rejects.toMatchObject({ code: 'resource-locked' });
    expect(attempts).toBe(2);
    expect(parse((await h.fx.readFile('main', 'latest/version/shop/cart.yaml')) as string)).toMatchObject({ version: '1.0.0' });
  });
});

describe('POST /versions with an operator or admin token', () => {
  it('pushes into any environment, past a lock only with a reason recorded in the commit', async () => {
    h = await startHarness({ fixture: LOCKED_PROD });
    expect((await push('operator', { env: 'dev', resource: 'shop/cart', version: '1.0.1' })).status).toBe(201);
    expect(await errorOf(await push('operator', { env: 'prod' }))).toMatchObject({ status: 423, code: 'environment-locked' });
    const res = await push('admin', { env: 'prod', lockOverride: 'hotfix for incident 4711' });
    expect(res.status).toBe(201);
    const message = await h.fx.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Cascade-Lock-Override: hotfix for incident 4711\n');
    expect(message).toContain('Cascade-Requested-By: admin-bot');
    expect(parse((await h.fx.readFile('main', 'prod/version/payments.yaml')) as string)).toEqual({ version: '2.0.0' });
    // The locks stay: the override lets one push through, it does not unlock.
    expect(parse((await h.fx.readFile('main', 'prod/locks.yaml')) as string)).toMatchObject({ env_lock: { reasons: ['release freeze'] } });
  });
});

/** Commits `content` to `path` in `clone` and pushes it with plain git, as a person would. */
function pushAsPerson(clone: string, path: string, content: string): void {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  git('fetch', '--quiet', 'origin');
  git('reset', '--quiet', '--hard', 'origin/main');
  execFileSync('sh', ['-c', 'mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', 'sh', path, content], { cwd: clone });
  git('add', path);
  git('commit', '--quiet', '--allow-empty', '-m', `person edits ${path}`);
  git('push', '--quiet', 'origin', 'HEAD:main');
}
