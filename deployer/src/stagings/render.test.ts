import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { RenderedResource, SnapshotWithFiles } from '@cascade/common';
import { deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { SecretsKeyring, encryptSopsYaml, generateAgeIdentity, parseAgeIdentities } from '@cascade/common/secrets';
import { NO_KEYS } from '../service/pass.ts';
import { appSecretsOf as secretsOf, archivedView, stagingLinks } from '@cascade/common';
import { renderStaging } from './render.ts';

const REPO: Record<string, string> = {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev, prune: true }\n',
  'stagings.yaml': 'stagings:\n  feature:\n    template: dev\n    target: local\n    namespace: "shop-{name}"\n    baseDomain: shop.example.com\n',
  'dev/base/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: ${replicas}\n  template: { spec: { containers: [{ name: web, image: "web:$version" }] } }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ port: 80 }] }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: web }\nspec: { rules: [{ host: "web-${host}.shop.example.com" }] }\n',
  'dev/version/web.yaml': 'version: "1.0"\nreplicas: 3\nhost: dev\n',
  'dev/deployable/data.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data }\nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n',
};

const NOW = new Date('2026-05-06T07:08:09Z');

function snapshotWith(files: Record<string, string>): SnapshotWithFiles {
  return parseSnapshot(repoFilesFromText('c1', { ...REPO, ...files }));
}

function manifestsOf(rendered: RenderedResource[], name: string) {
  const resource = rendered.find((r) => r.name === name);
  if (resource === undefined || !resource.ok) throw new Error(`${name} did not render: ${JSON.stringify(resource)}`);
  return resource.manifests;
}

describe('renderStaging', () => {
  it('renders the template as the staging, adds the generated app config and links the kind\'s domain and the Ingress hosts', async () => {
    const snapshot = snapshotWith({ 'stagings/feature-x.yaml': 'kind: feature\ntag: abc\nversions: { web: { host: fx } }\noverrides: { app: { FLAG: on }, deployment: { replicas: 1 } }\n' });
    const deployment = deriveStagings(snapshot).deployments.get('feature-x')!;
    const render = await renderStaging(snapshot, deployment, new Map(), NO_KEYS);
    expect(render.rendered.map((r) => r.name).sort()).toEqual(['cascade/app-config', 'data', 'web']);
    expect(manifestsOf(render.rendered, 'web')).toMatchObject([{ kind: 'Deployment', spec: { replicas: 1 } }, { kind: 'Service' }, { kind: 'Ingress' }]);
    expect(manifestsOf(render.rendered, 'cascade/app-config')).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cascade-app' }, data: { FLAG: 'on' } }]);
    expect(render.links).toEqual([
      { name: 'feature-x.shop.example.com', url: 'https://feature-x.shop.example.com' },
      { name: 'web-fx.shop.example.com', url: 'https://web-fx.shop.example.com' },
    ]);
    expect(render.resources.find((r) => r.name === 'web')?.version?.version).toBe('abc');
  });

  it('keeps only what an archive keeps for an archived staging, and renders nothing for one marked for cleanup', async () => {
    const archived = snapshotWith({ 'stagings/feature-x.yaml': 'kind: feature\ntag: abc\nstate: archived\n' });
    const render = await renderStaging(archived, deriveStagings(archived).deployments.get('feature-x')!, new Map(), NO_KEYS);
    expect(manifestsOf(render.rendered, 'web').map((m) => m.kind)).toEqual(['Service', 'Ingress']);
    expect(manifestsOf(render.rendered, 'data').map((m) => m.kind)).toEqual(['PersistentVolumeClaim']);
    expect(manifestsOf(render.rendered, 'cascade/app-config').map((m) => m.kind)).toEqual(['ConfigMap']);
    // An archived staging serves nothing, so it shows no links.
    expect(render.links).toEqual([]);
    const cleanup = snapshotWith({ 'stagings/feature-x.yaml': 'kind: feature\ntag: abc\nstate: cleanup\n' });
    const gone = await renderStaging(cleanup, deriveStagings(cleanup).deployments.get('feature-x')!, new Map(), NO_KEYS);
    expect(gone.rendered).toEqual([]);
    expect(gone.appSecrets).toEqual({});
  });

  it('decrypts secrets.app into the Secret cascade-app-secrets; without the key only the app config fails, the rest renders', async () => {
    const key = await generateAgeIdentity(NOW);
    const file = 'stagings/feature-x.yaml';
    const text = await encryptSopsYaml(stringify({ kind: 'feature', tag: 'abc', secrets: { app: { STRIPE_KEY: 'sk_test_hush_123' } } }), { file, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, now: NOW });
    const snapshot = snapshotWith({ [file]: text });
    const deployment = deriveStagings(snapshot).deployments.get('feature-x')!;
    expect(deployment.staging.secretKeys).toEqual(['STRIPE_KEY']);
    const keyring = new SecretsKeyring(await parseAgeIdentities(key.identityFile, 'test.key'));
    const render = await renderStaging(snapshot, deployment, new Map(), keyring);
    expect(render.appSecrets).toEqual({ STRIPE_KEY: 'sk_test_hush_123' });
    expect(manifestsOf(render.rendered, 'cascade/app-config')[1]).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cascade-app-secrets' }, type: 'Opaque', stringData: { STRIPE_KEY: 'sk_test_hush_123' } });
    // Both forms are what scrubbing cuts out of anything shown.
    const base64 = Buffer.from('sk_test_hush_123').toString('base64');
    expect(keyring.scrub(`key sk_test_hush_123 ${base64}`)).toBe('key [secret] [secret]');

    const locked = await renderStaging(snapshot, deployment, new Map(), NO_KEYS);
    expect(locked.appSecrets).toEqual({});
    expect(locked.rendered.find((r) => r.name === 'cascade/app-config')).toMatchObject({ ok: false, problems: [{ code: 'secret-undecryptable', file }] });
    expect(locked.rendered.find((r) => r.name === 'web')).toMatchObject({ ok: true });
  });

  it('hands scripts the decrypted version data of the template with the staging\'s fields over it', async () => {
    const key = await generateAgeIdentity(NOW);
    const versionFile = 'dev/version/api.yaml';
    const encrypted = await encryptSopsYaml(stringify({ version: '1.0', replicas: 3, secrets: { token: 'tok_hush_456' } }), { file: versionFile, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, now: NOW });
    const snapshot = snapshotWith({
      'dev/base/api.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api }\ndata: { replicas: "${replicas}" }\n',
      [versionFile]: encrypted,
      'stagings/feature-x.yaml': 'kind: feature\ntag: abc\noverrides: { deployment: { replicas: 1 } }\n',
    });
    const keyring = new SecretsKeyring(await parseAgeIdentities(key.identityFile, 'test.key'));
    const render = await renderStaging(snapshot, deriveStagings(snapshot).deployments.get('feature-x')!, new Map(), keyring);
    expect(render.resources.find((r) => r.name === 'api')?.version?.fields).toMatchObject({ version: 'abc', replicas: 1, secrets: { token: 'tok_hush_456' } });
    expect(manifestsOf(render.rendered, 'api')).toMatchObject([{ data: { replicas: '1' } }]);
  });
});

describe('the parts of a staging render', () => {
  it('archivedView drops workloads from rendered resources and leaves failed renders as they are', () => {
    const failed: RenderedResource = { ok: false, env: 'x', name: 'broken', problems: [] };
    const kinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'PersistentVolumeClaim', 'ConfigMap', 'Service', 'Secret'];
    const rendered: RenderedResource[] = [{ ok: true, env: 'x', name: 'all', manifests: kinds.map((kind) => ({ apiVersion: 'v1', kind, metadata: { name: kind.toLowerCase() } })), sourceFiles: [] }, failed];
    const [all, broken] = archivedView(rendered);
    expect(all?.ok && all.manifests.map((m) => m.kind)).toEqual(['PersistentVolumeClaim', 'ConfigMap', 'Service', 'Secret']);
    expect(broken).toBe(failed);
  });

  it('stagingLinks lists each URL once, the kind\'s first', () => {
    const ingress = (host: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: host }, spec: { rules: [{ host }, { host: '*.wild.example.com' }] } });
    const rendered: RenderedResource[] = [{ ok: true, env: 'x', name: 'a', manifests: [ingress('x.shop.example.com'), ingress('api.example.com')], sourceFiles: [] }];
    expect(stagingLinks(['https://x.shop.example.com'], rendered)).toEqual([
      { name: 'x.shop.example.com', url: 'https://x.shop.example.com' },
      { name: 'api.example.com', url: 'https://api.example.com' },
    ]);
    expect(stagingLinks([], [])).toEqual([]);
  });

  it('secretsOf reads secrets.app as strings and nothing else', () => {
    expect(secretsOf({ kind: 'feature', secrets: { app: { A: 'x', B: 7, C: null } } })).toEqual({ A: 'x', B: '7' });
    expect(secretsOf({ secrets: 'nope' })).toEqual({});
    expect(secretsOf(null)).toEqual({});
  });
});
