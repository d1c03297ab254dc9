import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../../repo/files.ts';
import { renderEnvironment } from '../render.ts';
import { parseSnapshot, type SnapshotWithFiles } from '../snapshot.ts';
import { deriveStagings, type StagingMemo } from './derive.ts';
import { appConfigManifests, ingressLinks, keptWhenArchived } from './manifests.ts';

const REPO: Record<string, string> = {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev, prune: true, selfHeal: true }\n',
  'stagings.yaml': 'stagings:\n  feature:\n    template: dev\n    target: local\n    namespace: "shop-{name}"\n    baseDomain: shop.example.com\n',
  'dev/base/web.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: ${replicas}\n  template: { spec: { containers: [{ name: web, image: "${image}:$version" }] } }\n',
  'dev/version/web.yaml': 'version: "1.0"\nimage: registry.example.com/web\nreplicas: 3\n',
  'dev/base/api.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: api }\ndata: { version: $version, mode: "${mode}" }\n',
  'dev/version/api.yaml': 'version: "2.0"\nmode: normal\n',
  'dev/deployable/data.yaml': 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data }\nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n',
};

function snapshotWith(extra: Record<string, string>): SnapshotWithFiles {
  return parseSnapshot(repoFilesFromText('c1', { ...REPO, ...extra }));
}

describe('deriveStagings', () => {
  it('renders the template with the tag as $version, deployment overrides for every resource and per-resource versions on top', () => {
    const snapshot = snapshotWith({ 'stagings/feature-x.yaml': 'kind: feature\ntag: abc123\noverrides: { deployment: { replicas: 1 }, app: { FLAG: on } }\nversions:\n  api: { mode: test, version: "9.9" }\n' });
    const { deployments, held } = deriveStagings(snapshot);
    expect(held.size).toBe(0);
    const feature = deployments.get('feature-x')!;
    expect(feature.binding).toEqual({ env: 'feature-x', target: 'local', namespace: 'shop-feature-x', prune: true, selfHeal: true, allowEmpty: false });
    expect(feature.links).toEqual(['https://feature-x.shop.example.com']);
    const withStaging: SnapshotWithFiles = { ...snapshot, environments: new Map([...snapshot.environments, ['feature-x', feature.environment]]) };
    const rendered = renderEnvironment(withStaging, 'feature-x');
    const byName = Object.fromEntries(rendered.map((r) => [r.name, r]));
    expect(byName['web']).toMatchObject({ ok: true, version: 'abc123', manifests: [{ spec: { replicas: 1, template: { spec: { containers: [{ image: 'registry.example.com/web:abc123' }] } } } }] });
    expect(byName['api']).toMatchObject({ ok: true, version: '9.9', manifests: [{ data: { version: '9.9', mode: 'test' } }] });
    expect(byName['data']).toMatchObject({ ok: true, manifests: [{ kind: 'PersistentVolumeClaim' }] });
    // The template renders as before.
    expect(renderEnvironment(snapshot, 'dev').find((r) => r.name === 'web')).toMatchObject({ version: '1.0', manifests: [{ spec: { replicas: 3 } }] });
  });

  it('holds each bad staging with its reason and deploys the others', () => {
    const snapshot = snapshotWith({
      'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  qa: { target: local, namespace: shop-taken }\n',
      'qa/version/x.yaml': 'version: "1"\n',
      'stagings.yaml': 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}" }\n  ghost: { template: nowhere, target: local }\n',
      'stagings/good.yaml': 'kind: feature\ntag: t\n',
      'stagings/unknown-kind.yaml': 'kind: nightly\ntag: t\n',
      'stagings/no-template.yaml': 'kind: ghost\ntag: t\n',
      'stagings/dev.yaml': 'kind: feature\ntag: t\n',
      'stagings/taken.yaml': 'kind: feature\ntag: t\n',
      'stagings/broken.yaml': 'kind: feature\ntag: [\n',
    });
    const { deployments, held } = deriveStagings(snapshot);
    expect([...deployments.keys()]).toEqual(['good']);
    const codes = Object.fromEntries([...held].map(([name, h]) => [name, h.problems[0]!.code]));
    expect(codes).toEqual({
      'unknown-kind': 'staging-unknown-kind',
      'no-template': 'staging-unknown-template',
      dev: 'staging-name-taken',
      taken: 'staging-namespace-taken',
      broken: 'yaml-syntax',
    });
    expect(held.get('taken')!.problems[0]!.message).toMatch(/environment qa/);
    for (const h of held.values()) expect(h.problems[0]!.file).toBe(h.staging.file);
  });

  it('holds both stagings when two kinds put them into one namespace', () => {
    const snapshot = snapshotWith({
      'stagings.yaml': 'stagings:\n  a: { template: dev, target: local, namespace: "s-{name}" }\n  b: { template: dev, target: local, namespace: "{name}" }\n',
      'stagings/x.yaml': 'kind: a\ntag: t\n',
      'stagings/s-x.yaml': 'kind: b\ntag: t\n',
    });
    const { deployments, held } = deriveStagings(snapshot);
    expect(deployments.size).toBe(0);
    expect([...held.values()].map((h) => h.problems[0]!.code)).toEqual(['staging-namespace-taken', 'staging-namespace-taken']);
  });

  it('keeps the same environment object while nothing it derives from changed', () => {
    const memo: StagingMemo = new Map();
    const first = deriveStagings(snapshotWith({ 'stagings/x.yaml': 'kind: feature\ntag: t\n' }), memo);
    const again = deriveStagings(snapshotWith({ 'stagings/x.yaml': 'kind: feature\ntag: t\n' }), memo);
    // A new parse builds a new template environment object, so only a patched snapshot keeps it; the same snapshot must.
    const snapshot = snapshotWith({ 'stagings/x.yaml': 'kind: feature\ntag: t\n' });
    const a = deriveStagings(snapshot, memo).deployments.get('x')!;
    const b = deriveStagings(snapshot, memo).deployments.get('x')!;
    expect(a.environment).toBe(b.environment);
    expect(first.deployments.get('x')!.environment).not.toBe(again.deployments.get('x')!.environment);
    const changed = deriveStagings({ ...snapshot, stagings: new Map([['x', { ...snapshot.stagings.get('x')!, blob: 'other', tag: 'u' }]]) }, memo).deployments.get('x')!;
    expect(changed.environment).not.toBe(a.environment);
  });

  it('lets an archived staging render nothing without that reading as a mistake', () => {
    const { deployments } = deriveStagings(snapshotWith({ 'stagings/x.yaml': 'kind: feature\ntag: t\nstate: archived\narchivedAt: 2026-12-01T00:00:00Z\n' }));
    expect(deployments.get('x')!.binding.allowEmpty).toBe(true);
  });
});

describe('staging manifests', () => {
  it('generates the app config, with a Secret only when there are secrets', () => {
    const staging = snapshotWith({ 'stagings/x.yaml': 'kind: feature\ntag: t\noverrides: { app: { A: "1" } }\n' }).stagings.get('x')!;
    expect(appConfigManifests(staging)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cascade-app' }, data: { A: '1' } }]);
    expect(appConfigManifests(staging, { KEY: 's' })[1]).toMatchObject({ kind: 'Secret', stringData: { KEY: 's' } });
  });

  it('archives workloads and keeps data', () => {
    const kinds = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'PersistentVolumeClaim', 'ConfigMap', 'Service'];
    expect(kinds.filter((kind) => keptWhenArchived({ apiVersion: 'v1', kind, metadata: { name: 'x' } }))).toEqual(['PersistentVolumeClaim', 'ConfigMap', 'Service']);
  });

  it('links the hosts of Ingresses, each once, without wildcards', () => {
    const ingress = (hosts: string[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, spec: { rules: hosts.map((host) => ({ host })) } });
    expect(ingressLinks([ingress(['a.example.com', '*.example.com']), ingress(['a.example.com', 'b.example.com'])])).toEqual(['https://a.example.com', 'https://b.example.com']);
  });
});
