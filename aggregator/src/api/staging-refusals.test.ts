// Every staging rule refuses with a 4xx naming the field, and leaves the remote as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, stagingFixture, type Harness } from '../testing/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: stagingFixture() });
});
afterAll(async () => h?.cleanup());

/** Sends the request as an operator and answers the refusal, checking the remote did not move. */
const refused = async (method: string, path: string, body?: unknown) => {
  const before = await h.remoteCommits();
  const res = await h.call(method, `/api/v1${path}`, { role: 'operator', ...(body === undefined ? {} : { body }) });
  const answer = (await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } };
  expect(await h.remoteCommits()).toEqual(before);
  return { http: res.status, code: answer.error?.code, field: answer.error?.details?.['field'], message: answer.error?.message, details: answer.error?.details };
};
const create = (body: Record<string, unknown>) => refused('POST', '/stagings', { kind: 'feature', tag: '1', ...body });

describe('names', () => {
  it.each([
    ['Feature_X', 'name'],
    ['-x', 'name'],
    ['x'.repeat(64), 'name'],
  ])('refuses %s, which is no DNS label', async (name, field) => {
    expect(await create({ name })).toMatchObject({ http: 400, code: 'invalid-request', field });
  });

  it('wants exactly one of name and fromBranch', async () => {
    expect(await create({})).toMatchObject({ http: 400, field: 'name' });
    expect(await create({ name: 'a', fromBranch: 'a' })).toMatchObject({ http: 400, field: 'name' });
  });

  it('refuses a name too long for the kind\'s namespace pattern', async () => {
    expect(await refused('POST', '/stagings', { name: 'twenty-characters-xx', kind: 'tiny', tag: '1' })).toMatchObject({ http: 422, code: 'staging-name-too-long', field: 'name', details: { limit: 19 } });
  });

  it('refuses names whose namespace is an environment\'s or Kubernetes\' own, and environment names', async () => {
    expect(await create({ name: 'live' })).toMatchObject({ http: 409, code: 'staging-namespace-taken', field: 'name', details: { namespace: 'shop-live', env: 'prod' } });
    expect(await refused('POST', '/stagings', { name: 'kube-system', kind: 'bare', tag: '1' })).toMatchObject({ http: 422, code: 'staging-bad-namespace', field: 'name' });
    expect(await refused('POST', '/stagings', { name: 'default', kind: 'bare', tag: '1' })).toMatchObject({ http: 422, code: 'staging-bad-namespace', field: 'name' });
    expect(await create({ name: 'dev' })).toMatchObject({ http: 409, code: 'staging-name-taken', field: 'name' });
  });

  it('refuses a branch that leaves no name', async () => {
    expect(await create({ fromBranch: '///' })).toMatchObject({ http: 422, code: 'staging-bad-branch', field: 'fromBranch' });
  });

  it('refuses a name in the path that is no staging name, and one that does not exist', async () => {
    expect(await refused('POST', '/stagings/Not_A_Name/archive')).toMatchObject({ http: 400, field: 'name' });
    expect(await refused('PATCH', '/stagings/nobody', { tag: '2' })).toMatchObject({ http: 404, code: 'unknown-staging', field: 'name' });
    expect(await refused('POST', '/stagings/archive', { fromBranch: 'feature/nobody' })).toMatchObject({ http: 404, code: 'unknown-staging', field: 'fromBranch' });
  });
});

describe('kinds', () => {
  it('refuses an unknown kind, naming the kinds there are', async () => {
    expect(await create({ name: 'a', kind: 'hotfix' })).toMatchObject({ http: 422, code: 'unknown-staging-kind', field: 'kind', details: { kinds: ['feature', 'tiny', 'bare', 'orphan'] } });
  });

  it('refuses a kind whose template environment the repo lacks', async () => {
    expect(await create({ name: 'a', kind: 'orphan' })).toMatchObject({ http: 422, code: 'staging-template-missing', field: 'kind', details: { template: 'qa' } });
  });

  it('refuses one staging past the kind\'s limit, and counts only active ones', async () => {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'first', kind: 'tiny', tag: '1' } })).status).toBe(201);
    expect(await refused('POST', '/stagings', { name: 'second', kind: 'tiny', tag: '1' })).toMatchObject({ http: 409, code: 'staging-limit', field: 'kind', details: { limit: 1, stagings: ['first'] } });
    expect((await h.call('POST', '/api/v1/stagings/first/archive', { role: 'operator' })).status).toBe(201);
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'second', kind: 'tiny', tag: '1' } })).status).toBe(201);
    expect(await refused('POST', '/stagings/first/restore')).toMatchObject({ http: 409, code: 'staging-limit', details: { stagings: ['second'] } });
  });

  it('keeps a staging\'s kind', async () => {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'kept', kind: 'feature', tag: '1' } })).status).toBe(201);
    expect(await refused('POST', '/stagings/deploy', { name: 'kept', kind: 'bare', tag: '1' })).toMatchObject({ http: 409, code: 'staging-kind-mismatch', field: 'kind' });
  });
});

describe('settings', () => {
  it.each([
    [{ tag: '' }, 'tag'],
    [{ tag: 'a\u2028b' }, 'tag'],
    [{ tag: 'a\nb' }, 'tag'],
    [{ app: 'FLAGS=x' }, 'app'],
    [{ app: ['x'] }, 'app'],
    [{ app: { FLAGS: 'a\u0007b' } }, 'app.FLAGS'],
    [{ app: { FLAGS: 'a\u202eb' } }, 'app.FLAGS'],
    [{ app: { '1FLAG': 'x' } }, 'app.1FLAG'],
    [{ app: { FLAGS: 3 } }, 'app.FLAGS'],
    [{ deployment: 'replicas: 1' }, 'deployment'],
    [{ deployment: { version: '2' } }, 'deployment.version'],
    [{ deployment: { secrets: { A: 'b' } } }, 'deployment.secrets'],
    [{ deployment: { note: 'a\u2029b' } }, 'deployment.note'],
    [{ versions: { '../etc': { image: 'x' } } }, 'versions.../etc'],
    [{ versions: { 'shop/cart': 'x' } }, 'versions.shop/cart'],
    [{ versions: { 'shop/cart': { version: 'a\nb' } } }, 'versions.shop/cart.version'],
    [{ color: 'blue' }, 'color'],
  ])('refuses %j naming %s', async (settings, field) => {
    expect(await create({ name: 'settings', ...settings })).toMatchObject({ http: 400, code: 'invalid-request', field });
  });

  it('wants at least one field to update', async () => {
    expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name: 'settings', kind: 'feature', tag: '1' } })).status).toBe(201);
    expect(await refused('PATCH', '/stagings/settings', {})).toMatchObject({ http: 400, code: 'invalid-request' });
  });

  it('refuses secrets while the repo has no .sops.yaml to encrypt them to, and never echoes them', async () => {
    const answer = await create({ name: 'secretive', secrets: { STRIPE_KEY: 'sk-canary-91c2' } });
    expect(answer).toMatchObject({ http: 422, code: 'no-sops-config', field: 'secrets', details: { file: '.sops.yaml' } });
    expect(JSON.stringify(answer)).not.toContain('sk-canary-91c2');
    expect(h.logs()).not.toContain('sk-canary-91c2');
  });
});
