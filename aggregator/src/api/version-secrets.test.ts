// Secrets pushed with a version: encrypted to the `.sops.yaml` recipients into a file the real `sops -d` opens, kept
// across plain pushes, replaced as a whole, refused with the field or file named, and never echoed anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { FixtureSpec } from '@cascade/git-fixture';
import type { AggregatorStatus } from '@cascade/common/api';
import { ROLES } from '@cascade/common/service';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from '@cascade/common/secrets/testing';
import type { GeneratedKey, SopsCli } from '@cascade/common/secrets/testing';
import { SHOP_FIXTURE } from '../testing/shop-fixture.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

const VALUE = 'plaintext-canary-4b9e1f';
const OTHER = 'second-canary-77d2a0';
const FILE = 'latest/version/shop/cart.yaml';

let sops: SopsCli;
let key: GeneratedKey;
let h: Harness;

/** The shop repo with a `.sops.yaml` whose rule covers version files. */
function fixture(recipient: string): FixtureSpec {
  const [first, ...rest] = SHOP_FIXTURE.commits;
  return { commits: [{ ...first!, files: { ...first!.files, '.sops.yaml': `creation_rules:\n  - path_regex: /version/\n    age: ${recipient}\n` } }, ...rest] };
}

beforeAll(async () => {
  sops = await sopsCli();
  key = await sops.keygen();
  h = await startHarness({ fixture: fixture(key.recipient) });
}, TOOLS_BUILD_TIMEOUT_MS);
afterAll(async () => h?.cleanup());

const push = (body: Record<string, unknown>, role: 'ci' | 'operator' | 'admin' = 'ci') => h.call('POST', '/api/v1/versions', { role, body: { resource: 'shop/cart', ...body } });
const remoteFile = async (path = FILE) => h.fx.git('show', `main:${path}`);
const decrypted = async (path = FILE) => parse(await sops.decrypt(await remoteFile(path), key.identityFile)) as Record<string, unknown>;

describe('pushing secrets', () => {
  it('encrypts them into the version file, plain keys readable, and sops -d opens it', async () => {
    const res = await push({ version: '1.1.0', fields: { image: 'registry/cart:1.1.0' }, secrets: { API_KEY: VALUE, DB_PASS: OTHER } });
    expect(res.status).toBe(201);
    const text = await remoteFile();
    expect(text).not.toContain(VALUE);
    const plain = parse(text) as Record<string, unknown>;
    expect(plain).toMatchObject({ version: '1.1.0', image: 'registry/cart:1.1.0', sops: { encrypted_regex: '^secrets$', mac_only_encrypted: true } });
    expect(await decrypted()).toMatchObject({ version: '1.1.0', image: 'registry/cart:1.1.0', secrets: { API_KEY: VALUE, DB_PASS: OTHER } });
    const message = await h.fx.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Secrets set: API_KEY, DB_PASS');
    expect(message).not.toContain(VALUE);
  });

  it('shows every role which secrets the resource has and who set them, never a value', async () => {
    const commit = (await h.fx.git('rev-parse', 'main')).trim();
    await h.aggregator.refresh();
    for (const role of ROLES) {
      const text = await (await h.call('GET', '/api/v1/status', { role })).text();
      expect([role, text.includes(VALUE), text.includes('ENC[')]).toEqual([role, false, false]);
      const latest = (JSON.parse(text) as AggregatorStatus).resources.find((r) => r.name === 'shop/cart')?.envs['latest'];
      expect(latest?.secrets).toEqual([
        { key: 'secrets.API_KEY', setBy: 'ci-bot', setAt: expect.any(String), commit },
        { key: 'secrets.DB_PASS', setBy: 'ci-bot', setAt: expect.any(String), commit },
      ]);
      expect(latest?.fields).toEqual({ version: '1.1.0', image: 'registry/cart:1.1.0', replicas: 2 });
    }
    const history = await (await h.call('GET', '/api/v1/history?resource=shop/cart', { role: 'admin' })).text();
    expect(history).toContain('Secrets set: API_KEY, DB_PASS');
    expect(history).not.toContain(VALUE);
  });

  it('keeps the encrypted values through a push without secrets, and who set them', async () => {
    const setIn = (await h.fx.git('rev-parse', 'main')).trim();
    expect((await push({ version: '1.2.0', fields: { image: 'registry/cart:1.2.0' } })).status).toBe(201);
    await h.aggregator.refresh();
    const status = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
    expect(status.resources.find((r) => r.name === 'shop/cart')?.envs['latest']?.secrets?.map((s) => s.commit)).toEqual([setIn, setIn]);
    expect(await decrypted()).toMatchObject({ version: '1.2.0', image: 'registry/cart:1.2.0', secrets: { API_KEY: VALUE, DB_PASS: OTHER } });
  });

  it('refuses a push that would silently drop a secret it cannot carry over, and drops it when asked', async () => {
    const partial = await push({ version: '1.3.0', secrets: { API_KEY: 'rotated' } });
    expect(partial.status).toBe(409);
    expect(await partial.json()).toMatchObject({ error: { code: 'secrets-incomplete', details: { missing: ['DB_PASS'], file: FILE } } });
    const dropped = await push({ version: '1.3.0', secrets: { API_KEY: 'rotated' }, removeSecrets: ['DB_PASS'] });
    expect(dropped.status).toBe(201);
    expect((await decrypted()).secrets).toEqual({ API_KEY: 'rotated' });
    expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Secrets removed: DB_PASS');
  });

  it('turns the file plain again when every secret is removed', async () => {
    expect((await push({ version: '1.3.1', removeSecrets: ['API_KEY'] })).status).toBe(201);
    const plain = parse(await remoteFile()) as Record<string, unknown>;
    expect(plain).toMatchObject({ version: '1.3.1' });
    expect(plain).not.toHaveProperty('sops');
    expect(plain).not.toHaveProperty('secrets');
  });

  it('never makes a push with secrets a no-op: the aggregator cannot compare what it cannot read', async () => {
    expect((await push({ version: '1.4.0', secrets: { API_KEY: VALUE } })).status).toBe(201);
    expect((await push({ version: '1.4.0', secrets: { API_KEY: VALUE } })).status).toBe(201);
  });
});

describe('refusals', () => {
  const refusal = async (res: Response) => ({ status: res.status, ...((await res.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error });

  it.each([
    [{ API_KEY: '' }, 'secrets.API_KEY', 'must not be empty'],
    [{ API_KEY: 42 }, 'secrets.API_KEY', 'must be a string'],
    [{ 'bad.key': VALUE }, 'secrets.bad.key', 'secret keys start with a letter'],
    [{ BIG: 'x'.repeat(16 * 1024 + 1) }, 'secrets.BIG', 'at most 16384 bytes'],
    [Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`K${i}`, 'y'.repeat(15_000)])), 'secrets', 'at most 65536 bytes'],
    ['not-a-map', 'secrets', 'must be an object'],
  ])('names the field of %#', async (secrets, field, message) => {
    const answer = await refusal(await push({ version: '2.0.0', secrets }));
    expect(answer).toMatchObject({ status: 400, code: 'invalid-request', details: { field } });
    expect(answer.message).toContain(message);
    expect(JSON.stringify(answer)).not.toContain(VALUE);
  });

  it('refuses secrets as a plain field', async () => {
    expect(await refusal(await push({ version: '2.0.0', fields: { secrets: { A: VALUE } } }))).toMatchObject({ status: 400, details: { field: 'fields.secrets' } });
  });

  it('lets ci push secrets only where it may push versions', async () => {
    expect(await refusal(await push({ version: '2.0.0', env: 'dev', secrets: { API_KEY: VALUE } }))).toMatchObject({ status: 403, code: 'environment-not-allowed' });
  });

  it('refuses secrets into a locked environment', async () => {
    expect((await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'latest', reason: 'freeze' } })).status).toBe(201);
    try {
      expect(await refusal(await push({ version: '2.0.0', secrets: { API_KEY: VALUE } }))).toMatchObject({ status: 423, code: 'environment-locked' });
    } finally {
      await h.call('DELETE', '/api/v1/locks', { role: 'operator', body: { env: 'latest' } });
    }
  });

  it('answers 422 naming .sops.yaml when no rule matches the file', async () => {
    const other = await startHarness({ fixture: SHOP_FIXTURE });
    try {
      const answer = await refusal(await other.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '2.0.0', secrets: { API_KEY: VALUE } } }));
      expect(answer).toMatchObject({ status: 422, code: 'no-sops-config', details: { field: 'secrets', file: '.sops.yaml' } });
      expect(answer.message).toContain('path_regex');
    } finally {
      await other.cleanup();
    }
    const unmatched = await startHarness({ fixture: { commits: [...SHOP_FIXTURE.commits, { name: 'rules', message: 'sops rules', files: { '.sops.yaml': `creation_rules:\n  - path_regex: \\.secret\\.yaml$\n    age: ${key.recipient}\n` } }] } });
    try {
      const answer = await refusal(await unmatched.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '2.0.0', secrets: { API_KEY: VALUE } } }));
      expect(answer).toMatchObject({ status: 422, code: 'no-sops-rule', details: { file: '.sops.yaml' } });
      expect(answer.message).toContain(FILE);
    } finally {
      await unmatched.cleanup();
    }
  });

  it('logs no secret value at debug level', () => {
    expect(h.logs()).not.toContain(VALUE);
    expect(h.logs()).not.toContain(OTHER);
  });
});
