import { describe, expect, it } from 'vitest';
import type { StagingDeployment } from '@cascade/common';
import { deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { settingsFingerprint, stagingScriptInput, stagingWant } from './script-input.ts';

const project = { projectName: 'Shop', baseDomain: 'target.example.com' };

function deployment(staging: string, kinds = 'stagings:\n  feature: { template: dev, target: scripts, namespace: "shop-{name}", baseDomain: shop.example.com }\n'): StagingDeployment {
  const snapshot = parseSnapshot(repoFilesFromText('c1', {
    'deployers.yaml': 'deployers:\n  dev: { target: scripts }\n',
    'dev/version/app.yaml': 'version: "1"\n',
    'stagings.yaml': kinds,
    'stagings/feature-x.yaml': staging,
  }));
  const derived = deriveStagings(snapshot).deployments.get('feature-x');
  if (derived === undefined) throw new Error('the fixture staging did not derive');
  return derived;
}

const STAGING = 'kind: feature\ntag: 1f3e9a2\noverrides:\n  app: { FEATURE_FLAGS: new-checkout, API_URL: "https://api" }\n  deployment: { replicas: 1, limits: { cpu: "1" } }\n';

describe('stagingScriptInput', () => {
  it('names the script record after the staging, with the kind namespace and domain, and config in the private file', () => {
    const input = stagingScriptInput({ project, transport: 'file' }, deployment(STAGING), { STRIPE_KEY: 'sk_live_secret' });
    expect(input.ok).toBe(true);
    if (!input.ok) return;
    expect(input.call.args).toEqual(['--project-name', 'Shop', '--base-domain', 'shop.example.com', '--namespace', 'shop-feature-x', '--name', 'feature-x', '--tag', '1f3e9a2']);
    expect(input.call.args.join(' ')).not.toContain('sk_live_secret');
    expect(JSON.parse(input.call.configDocument!)).toEqual({
      projectName: 'Shop', baseDomain: 'shop.example.com', namespace: 'shop-feature-x', name: 'feature-x', tag: '1f3e9a2',
      applicationConfig: { FEATURE_FLAGS: 'new-checkout', API_URL: 'https://api', STRIPE_KEY: 'sk_live_secret' },
      deploymentConfig: { replicas: '1', limits: '{"cpu":"1"}' },
    });
    expect(input.intent).toBe('active');
  });

  it('falls back to the staging name and the target domain when the kind has neither', () => {
    const input = stagingScriptInput({ project, transport: 'file' }, deployment('kind: feature\ntag: t\n', 'stagings:\n  feature: { template: dev, target: scripts }\n'), {});
    expect(input.ok && input.call.args).toEqual(['--project-name', 'Shop', '--base-domain', 'target.example.com', '--namespace', 'feature-x', '--name', 'feature-x', '--tag', 't']);
  });

  it('lets a secret win over an application override of the same name', () => {
    const input = stagingScriptInput({ project, transport: 'file' }, deployment('kind: feature\ntag: t\noverrides: { app: { TOKEN: plain } }\n'), { TOKEN: 'from-secret' });
    expect(input.ok && JSON.parse(input.call.configDocument!).applicationConfig).toEqual({ TOKEN: 'from-secret' });
  });

  it('passes overrides as arguments to old scripts, and refuses to when there are secrets', () => {
    const argv = stagingScriptInput({ project, transport: 'argv' }, deployment(STAGING), {});
    expect(argv.ok && argv.call.args.slice(10)).toEqual(['--application-config', 'FEATURE_FLAGS=new-checkout', '--application-config', 'API_URL=https://api', '--deployment-config', 'replicas=1', '--deployment-config', 'limits={"cpu":"1"}']);
    const refused = stagingScriptInput({ project, transport: 'argv' }, deployment(STAGING), { STRIPE_KEY: 'sk_live_secret' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'secret-in-argv', file: 'stagings/feature-x.yaml' } });
    expect(JSON.stringify(refused)).not.toContain('sk_live_secret');
  });

  it('names the staging file and field of a value that cannot be passed', () => {
    const input = stagingScriptInput({ project, transport: 'file' }, deployment('kind: feature\ntag: t\n'), { KEY: 'a\u0000b' });
    expect(input).toMatchObject({ ok: false, error: { code: 'invalid-script-argument', file: 'stagings/feature-x.yaml', message: expect.stringMatching(/^secrets\.app\.KEY: /) } });
  });
});

describe('settings fingerprints', () => {
  const settingsOf = (staging: string, secrets: Record<string, string> = {}) => {
    const input = stagingScriptInput({ project, transport: 'file' }, deployment(staging), secrets);
    if (!input.ok) throw new Error('unusable fixture');
    return input;
  };

  it('change with the tag, app, deployment and secrets, and not with anything else in the file', () => {
    const base = settingsFingerprint(settingsOf(STAGING).settings, 'salt');
    const changed = [
      settingsOf(STAGING.replace('1f3e9a2', '2a')),
      settingsOf(STAGING.replace('new-checkout', 'old')),
      settingsOf(STAGING.replace('replicas: 1', 'replicas: 2')),
      settingsOf(STAGING, { STRIPE_KEY: 'other' }),
    ].map((input) => settingsFingerprint(input.settings, 'salt'));
    for (const fingerprint of changed) expect(fingerprint).not.toBe(base);
    expect(settingsFingerprint(settingsOf(`${STAGING}updatedAt: 2026-01-01T00:00:00Z\n`).settings, 'salt')).toBe(base);
  });

  it('are salted, and the attempt changes with the file even when the settings do not', () => {
    const input = settingsOf(STAGING);
    expect(settingsFingerprint(input.settings, 'a')).not.toBe(settingsFingerprint(input.settings, 'b'));
    const touched = settingsOf(`${STAGING}updatedAt: 2026-01-01T00:00:00Z\n`);
    expect(stagingWant(touched, 's').settings).toBe(stagingWant(input, 's').settings);
    expect(stagingWant(touched, 's').attempt).not.toBe(stagingWant(input, 's').attempt);
  });
});
