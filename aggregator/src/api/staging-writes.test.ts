// Staging writes against a real bare remote: each one commit with the staging trailers and the token as author, on the
// remote before the answer; the same request again commits nothing; CI's deploy is stable per branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StagingWriteResponse } from '@cascade/common/api';
import { startHarness, stagingFixture, type Harness } from '../testing/harness.ts';
import { commitAsPerson } from '../testing/person-commit.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: stagingFixture() });
});
afterAll(async () => h?.cleanup());

type Role = 'ci' | 'operator' | 'admin';
const call = async (method: string, path: string, body?: unknown, role: Role = 'operator') => {
  const res = await h.call(method, `/api/v1${path}`, { role, ...(body === undefined ? {} : { body }) });
  return { http: res.status, body: (await res.json()) as StagingWriteResponse & { error?: { code: string; details?: Record<string, unknown> } } };
};
const remoteFile = async (name: string) => parse((await h.fx.readFile('main', `stagings/${name}.yaml`)) as string) as Record<string, unknown>;
const lastCommit = async () => {
  const [author, ...message] = (await h.fx.git('log', '-1', '--format=%an%n%B', 'main')).trim().split('\n');
  return { author, message: message.join('\n') };
};

describe('the lifecycle of a staging', () => {
  it('creates it as one commit with the staging trailers, the token as author, on the remote before the answer', async () => {
    const before = new Date();
    const res = await call('POST', '/stagings', { name: 'checkout', kind: 'feature', tag: '1.8.0-rc.2', app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 }, versions: { 'shop/cart': { image: 'registry/cart:rc2' } } });
    expect(res).toMatchObject({ http: 201, body: { status: 'created', name: 'checkout', action: 'create', state: 'active', kind: 'feature', tag: '1.8.0-rc.2', namespace: 'shop-checkout', links: [{ url: 'https://checkout.shop.example.com' }] } });
    expect((await h.fx.git('rev-parse', 'main')).trim()).toBe(res.body.commit);
    const file = await remoteFile('checkout');
    expect(file).toMatchObject({ kind: 'feature', tag: '1.8.0-rc.2', versions: { 'shop/cart': { image: 'registry/cart:rc2' } }, overrides: { app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 } }, state: 'active' });
    expect(Date.parse(file['updatedAt'] as string)).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(file).not.toHaveProperty('branch');
    expect(await lastCommit()).toEqual({ author: 'operator-bot', message: expect.stringMatching(/^Create staging checkout\n\nKind feature, tag 1\.8\.0-rc\.2\.\n\nCascade-Type: Staging\nCascade-Staging: checkout\nCascade-Action: create\nCascade-Requested-By: operator-bot$/) });
  });

  it('refuses to create it twice, and commits nothing', async () => {
    const before = await h.remoteCommits();
    expect(await call('POST', '/stagings', { name: 'checkout', kind: 'feature', tag: '2' })).toMatchObject({ http: 409, body: { error: { code: 'staging-exists', details: { field: 'name' } } } });
    expect(await h.remoteCommits()).toEqual(before);
  });

  it('updates the fields given, keeps the others and the comments people wrote, and commits nothing for the same update', async () => {
    await commitAsPerson(h.fx, { 'stagings/checkout.yaml': `# QA's checkout test\n${(await h.fx.readFile('main', 'stagings/checkout.yaml')) as string}` }, 'A comment');
    const res = await call('PATCH', '/stagings/checkout', { tag: '1.8.0-rc.3', app: { FEATURE_FLAGS: 'new-checkout,fast-pay' } });
    expect(res).toMatchObject({ http: 201, body: { action: 'update', tag: '1.8.0-rc.3' } });
    const text = (await h.fx.readFile('main', 'stagings/checkout.yaml')) as string;
    expect(text.startsWith("# QA's checkout test\n")).toBe(true);
    expect(parse(text)).toMatchObject({ tag: '1.8.0-rc.3', overrides: { app: { FEATURE_FLAGS: 'new-checkout,fast-pay' }, deployment: { replicas: 1 } }, versions: { 'shop/cart': { image: 'registry/cart:rc2' } } });
    const before = await h.remoteCommits();
    expect(await call('PATCH', '/stagings/checkout', { tag: '1.8.0-rc.3' })).toMatchObject({ http: 200, body: { status: 'unchanged', commit: before.at(-1) } });
    expect(await h.remoteCommits()).toEqual(before);
  });

  it('removes an override given as an empty map', async () => {
    expect((await call('PATCH', '/stagings/checkout', { deployment: {} })).http).toBe(201);
    expect((await remoteFile('checkout'))['overrides']).toEqual({ app: { FEATURE_FLAGS: 'new-checkout,fast-pay' } });
  });

  it('archives it (archivedAt now), restores it (archivedAt gone, updatedAt now), each once', async () => {
    const archived = await call('POST', '/stagings/checkout/archive');
    expect(archived).toMatchObject({ http: 201, body: { action: 'archive', state: 'archived' } });
    const file = await remoteFile('checkout');
    expect(file['state']).toBe('archived');
    expect(Date.parse(file['archivedAt'] as string)).toBeGreaterThan(Date.parse(file['updatedAt'] as string) - 1);
    expect((await lastCommit()).message).toContain('Cascade-Action: archive');
    expect(await call('POST', '/stagings/checkout/archive')).toMatchObject({ http: 200, body: { status: 'unchanged' } });

    const restored = await call('POST', '/stagings/checkout/restore');
    expect(restored).toMatchObject({ http: 201, body: { action: 'restore', state: 'active' } });
    const back = await remoteFile('checkout');
    expect(back).not.toHaveProperty('archivedAt');
    expect(Date.parse(back['updatedAt'] as string)).toBeGreaterThanOrEqual(Date.parse(file['archivedAt'] as string));
    expect(await call('POST', '/stagings/checkout/restore')).toMatchObject({ http: 200, body: { status: 'unchanged' } });
  });

  it('cleans it up (admin), after which it takes no other change', async () => {
    expect(await call('POST', '/stagings/checkout/cleanup', undefined, 'admin')).toMatchObject({ http: 201, body: { action: 'cleanup', state: 'cleanup' } });
    expect((await lastCommit()).message).toContain('Cascade-Action: cleanup');
    const before = await h.remoteCommits();
    expect(await call('PATCH', '/stagings/checkout', { tag: '9' })).toMatchObject({ http: 409, body: { error: { code: 'staging-cleaning-up' } } });
    expect(await call('POST', '/stagings/checkout/restore')).toMatchObject({ http: 409, body: { error: { code: 'staging-cleaning-up' } } });
    expect(await call('POST', '/stagings/checkout/cleanup', undefined, 'admin')).toMatchObject({ http: 200, body: { status: 'unchanged' } });
    expect(await h.remoteCommits()).toEqual(before);
  });
});

describe('deploying from CI', () => {
  const branches = Array.from({ length: 10 }, (_, i) => `feature/JIRA-${i}_Login`);
  const deploy = (branch: string, tag: string) => call('POST', '/stagings/deploy', { fromBranch: branch, kind: 'feature', tag }, 'ci');

  it('makes ten stagings of ten branches deployed twice each, and the second deploys commit nothing', async () => {
    const start = (await h.remoteCommits()).length;
    const first = await Promise.all(branches.map((branch) => deploy(branch, 'abc1234')));
    expect(first.map((r) => [r.http, r.body.action, r.body.name])).toEqual(branches.map((_, i) => [201, 'create', `feature-jira-${i}-login`]));
    const afterFirst = await h.remoteCommits();
    expect(afterFirst.length).toBe(start + 10);
    const second = await Promise.all(branches.map((branch) => deploy(branch, 'abc1234')));
    expect(second.map((r) => [r.http, r.body.status, r.body.name])).toEqual(branches.map((_, i) => [200, 'unchanged', `feature-jira-${i}-login`]));
    expect(await h.remoteCommits()).toEqual(afterFirst);
    const files = (await h.fx.git('ls-tree', '--name-only', 'main', 'stagings/')).trim().split('\n').filter((path) => path.includes('jira'));
    expect(files.sort()).toEqual(branches.map((_, i) => `stagings/feature-jira-${i}-login.yaml`).sort());
    expect(await remoteFile('feature-jira-3-login')).toMatchObject({ kind: 'feature', tag: 'abc1234', state: 'active', branch: 'feature/JIRA-3_Login' });
  });

  it('updates the tag of a branch it deployed, under the same name', async () => {
    expect(await deploy('refs/heads/feature/JIRA-3_Login', 'def5678')).toMatchObject({ http: 201, body: { action: 'update', name: 'feature-jira-3-login', tag: 'def5678' } });
    expect((await remoteFile('feature-jira-3-login'))['tag']).toBe('def5678');
  });

  it('refuses a branch whose name normalises onto another branch\'s staging, or onto one created by name', async () => {
    const before = await h.remoteCommits();
    expect(await deploy('feature-jira-3-login', 'x')).toMatchObject({ http: 409, body: { error: { code: 'staging-name-collision', details: { field: 'fromBranch', name: 'feature-jira-3-login', branch: 'feature/JIRA-3_Login' } } } });
    expect((await call('POST', '/stagings', { name: 'by-hand', kind: 'feature', tag: '1' })).http).toBe(201);
    const mid = await h.remoteCommits();
    expect(await deploy('By/Hand', 'x')).toMatchObject({ http: 409, body: { error: { code: 'staging-name-collision', details: { branch: null } } } });
    expect(await h.remoteCommits()).toEqual(mid);
    expect(mid.length).toBe(before.length + 1);
  });

  it('brings back an archived staging of the branch on the next push', async () => {
    expect((await call('POST', '/stagings/archive', { fromBranch: 'feature/JIRA-5_Login' }, 'ci')).body).toMatchObject({ action: 'archive', name: 'feature-jira-5-login', state: 'archived' });
    expect(await deploy('feature/JIRA-5_Login', 'abc1234')).toMatchObject({ http: 201, body: { action: 'restore', state: 'active' } });
    expect(await remoteFile('feature-jira-5-login')).not.toHaveProperty('archivedAt');
  });

  it('cuts a long branch name to what the kind\'s namespace pattern leaves room for, the same way every time', async () => {
    const branch = `feature/${'very-long-branch-name-'.repeat(3)}A`;
    const first = await call('POST', '/stagings/deploy', { fromBranch: branch, kind: 'tiny', tag: '1' }, 'ci');
    expect(first.http).toBe(201);
    expect(first.body.name.length).toBeLessThanOrEqual(19);
    expect(first.body.namespace).toBe(`a-rather-long-prefix-for-every-tiny-staging-${first.body.name}`);
    expect(await call('POST', '/stagings/deploy', { fromBranch: branch, kind: 'tiny', tag: '1' }, 'ci')).toMatchObject({ http: 200, body: { name: first.body.name } });
  });
});
