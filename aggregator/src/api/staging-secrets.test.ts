// Staging secrets are write-only: encrypted to the `.sops.yaml` recipients before the commit (the deployer's identity
// opens them), kept through plain updates, replaced as a whole, and never in an answer, the status, history, events or logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StagingDetail } from '@cascade/common/api';
import { decryptSopsYaml, generateAgeIdentity, parseAgeIdentities, type AgeIdentity } from '@cascade/common/secrets';
import { ROLES } from '@cascade/common/service';
import { startHarness, stagingFixture, type Harness } from '../testing/harness.ts';

const VALUE = 'sk-live-canary-5d0e77';
const OTHER = 'db-pass-canary-0a93f1';
const FILE = 'stagings/payments.yaml';

let h: Harness;
let identities: AgeIdentity[];
beforeAll(async () => {
  const key = await generateAgeIdentity(new Date());
  identities = await parseAgeIdentities(key.identityFile, 'deployer.key');
  h = await startHarness({ fixture: stagingFixture({ recipient: key.recipient }) });
});
afterAll(async () => h?.cleanup());

const remote = async () => (await h.fx.readFile('main', FILE)) as string;
const opened = async () => (await decryptSopsYaml(await remote(), { file: FILE, identities })).documents[0] as Record<string, unknown>;
const send = async (method: string, path: string, body: unknown, role: 'ci' | 'operator' = 'ci') => {
  const res = await h.call(method, `/api/v1${path}`, { role, body });
  const text = await res.text();
  expect([text.includes(VALUE), text.includes(OTHER), text.includes('ENC[')]).toEqual([false, false, false]);
  return { http: res.status, ...(JSON.parse(text) as { status?: string; error?: { code: string; details?: Record<string, unknown> } }) };
};

describe('staging secrets', () => {
  it('encrypts them into the staging file before the commit; the deployer\'s identity opens them, the plain fields stay readable', async () => {
    expect(await send('POST', '/stagings', { name: 'payments', kind: 'feature', tag: '1', app: { MODE: 'test' }, secrets: { STRIPE_KEY: VALUE, DB_PASS: OTHER } })).toMatchObject({ http: 201 });
    const text = await remote();
    expect(text).not.toContain(VALUE);
    expect(parse(text)).toMatchObject({ kind: 'feature', tag: '1', overrides: { app: { MODE: 'test' } }, sops: { encrypted_regex: '^secrets$', mac_only_encrypted: true } });
    expect(await opened()).toMatchObject({ tag: '1', secrets: { app: { STRIPE_KEY: VALUE, DB_PASS: OTHER } } });
    const message = await h.fx.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Secrets set: DB_PASS, STRIPE_KEY');
    expect(message).not.toContain(VALUE);
  });

  it('shows every role the keys, who set them and when, never a value', async () => {
    const commit = (await h.fx.git('rev-parse', 'main')).trim();
    await h.aggregator.refresh();
    for (const role of ROLES) {
      for (const path of ['/api/v1/stagings', '/api/v1/stagings/payments', '/api/v1/status', '/api/v1/history?staging=payments']) {
        const text = await (await h.call('GET', path, { role })).text();
        expect([role, path, text.includes(VALUE), text.includes(OTHER), text.includes('ENC[')]).toEqual([role, path, false, false, false]);
      }
      const detail = (await (await h.call('GET', '/api/v1/stagings/payments', { role })).json()) as StagingDetail;
      expect(detail.secrets).toEqual([
        { key: 'DB_PASS', setBy: 'ci-bot', setAt: expect.any(String), commit },
        { key: 'STRIPE_KEY', setBy: 'ci-bot', setAt: expect.any(String), commit },
      ]);
    }
  });

  it('keeps the encrypted values through an update without secrets', async () => {
    expect(await send('PATCH', '/stagings/payments', { tag: '2' })).toMatchObject({ http: 201 });
    expect(await opened()).toMatchObject({ tag: '2', secrets: { app: { STRIPE_KEY: VALUE, DB_PASS: OTHER } } });
  });

  it('refuses an update that would silently drop a secret, and drops it when asked', async () => {
    expect(await send('PATCH', '/stagings/payments', { secrets: { STRIPE_KEY: 'rotated' } })).toMatchObject({ http: 409, error: { code: 'secrets-incomplete', details: { missing: ['DB_PASS'], file: FILE } } });
    expect(await send('PATCH', '/stagings/payments', { secrets: { STRIPE_KEY: 'rotated' }, removeSecrets: ['DB_PASS'] })).toMatchObject({ http: 201 });
    expect((await opened())['secrets']).toEqual({ app: { STRIPE_KEY: 'rotated' } });
    expect(await h.fx.git('log', '-1', '--format=%B', 'main')).toContain('Secrets removed: DB_PASS');
  });

  it('always commits a deploy with secrets: the aggregator cannot compare what it cannot read', async () => {
    const body = { name: 'payments', kind: 'feature', tag: '2', secrets: { STRIPE_KEY: VALUE } };
    expect(await send('POST', '/stagings/deploy', body)).toMatchObject({ http: 201 });
    expect(await send('POST', '/stagings/deploy', body)).toMatchObject({ http: 201 });
    expect(await send('POST', '/stagings/deploy', { name: 'payments', kind: 'feature', tag: '2' })).toMatchObject({ http: 200, status: 'unchanged' });
  });

  it('turns the file plain again when every secret is removed', async () => {
    expect(await send('PATCH', '/stagings/payments', { removeSecrets: ['STRIPE_KEY'] }, 'operator')).toMatchObject({ http: 201 });
    const plain = parse(await remote()) as Record<string, unknown>;
    expect(plain).toMatchObject({ tag: '2' });
    expect(plain).not.toHaveProperty('sops');
    expect(plain).not.toHaveProperty('secrets');
  });

  it('logs no secret value', () => {
    expect(h.logs()).not.toContain(VALUE);
    expect(h.logs()).not.toContain(OTHER);
  });
});
