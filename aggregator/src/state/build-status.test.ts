// The status answer built from a parsed repo: what each resource looks like in each environment.
import { describe, expect, it } from 'vitest';
import type { DeployerStatus } from '@cascade/common';
import { MAX_FILE_BYTES, nextSnapshot, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { createPrng } from '@cascade/common/testing';
import type { SecretKeyView } from '@cascade/common/api';
import { ChangeLog } from '../history/change-log.ts';
import { VersionCatalog } from '../history/version-catalog.ts';
import { buildStatus, StatusMemo, type PeerStatuses } from './build-status.ts';
import type { SecretKeys } from './secret-keys.ts';

const PEERS: PeerStatuses = { deployer: { state: 'unknown', url: 'http://deployer' }, transitioner: { state: 'unknown', url: 'http://transitioner' } };
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { version: $version }\n`;

/** A two-environment repo, with `dev`'s files replaced by unreadable entries where asked. */
function snapshotWith(unreadable: Record<string, 'symlink' | 'oversized'>) {
  const files = repoFilesFromText('c0ffee', {
    'dev/base/shop/cart.yaml': configMap('cart'),
    'dev/version/shop/cart.yaml': 'version: "0.9"\ntoken: s3cret\n',
    'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
    'pp/base/shop/cart.yaml': configMap('cart'),
    'pp/version/shop/cart.yaml': 'version: "0.8"\n',
  });
  for (const [path, kind] of Object.entries(unreadable)) {
    files.files.set(path, kind === 'symlink' ? { path, kind: 'symlink', oid: 'l1', size: 12 } : { path, kind: 'file', oid: 'big', size: MAX_FILE_BYTES + 1 });
  }
  return parseSnapshot(files);
}

describe('buildStatus', () => {
  it('carries the problems of a resource whose own files cannot be read, with their place, and only there', () => {
    const status = buildStatus(snapshotWith({ 'dev/version/shop/cart.yaml': 'symlink', 'dev/deployable/web.yaml': 'oversized' }), new VersionCatalog(), PEERS);
    const cart = status.resources.find((r) => r.name === 'shop/cart');
    expect(cart?.envs['dev']).toMatchObject({ kind: 'template', problems: [{ file: 'dev/version/shop/cart.yaml', code: 'symlink', message: expect.any(String) }] });
    expect(cart?.envs['dev']?.version).toBeUndefined();
    expect(cart?.envs['pp']).toEqual({ kind: 'template', version: '0.8', fields: { version: '0.8' }, lockReasons: [], locked: false });
    const web = status.resources.find((r) => r.name === 'web')?.envs['dev'];
    expect(web?.problems).toEqual([{ file: 'dev/deployable/web.yaml', code: 'too-large', message: expect.any(String) }]);
    // Only what a person needs to fix it: the severity is always "error", env and resource are where it sits.
    expect(Object.keys(web?.problems?.[0] ?? {}).sort()).toEqual(['code', 'file', 'message']);
  });

  it('keeps line and column when the problem has a position, and leaves healthy resources without problems', () => {
    const healthy = buildStatus(snapshotWith({}), new VersionCatalog(), PEERS);
    expect(healthy.resources.every((r) => Object.values(r.envs).every((inEnv) => !('problems' in inEnv)))).toBe(true);
    // Every value, as admins see it: what others may see is decided when it is served (visibility/).
    expect(healthy.resources.find((r) => r.name === 'shop/cart')?.envs['dev']?.fields).toEqual({ version: '0.9', token: 's3cret' });

    const files = repoFilesFromText('c0ffee', { 'dev/base/cart.yaml': configMap('cart'), 'dev/version/cart.yaml': 'version: "1"\nversion: "2"\n' });
    const broken = buildStatus(parseSnapshot(files), new VersionCatalog(), PEERS).resources[0]?.envs['dev'];
    expect(broken?.problems).toEqual([expect.objectContaining({ file: 'dev/version/cart.yaml', line: 2, col: expect.any(Number) })]);
  });

  it('passes on only http(s) links from control scripts, dropping javascript:, data: and other URLs', () => {
    const links = [
      { name: 'app', url: 'https://feature-x.shop.example.com/' },
      { name: 'plain', url: 'http://10.0.0.7:8080/health' },
      { name: 'xss', url: 'javascript:alert(document.cookie)' },
      { name: 'spaced', url: ' JavaScript:alert(1)' },
      { name: 'tabbed', url: 'java\tscript:alert(1)' },
      { name: 'data', url: 'data:text/html,<script>alert(1)</script>' },
      { name: 'relative', url: '/admin' },
      { name: 'file', url: 'file:///etc/passwd' },
    ];
    const deployer: DeployerStatus = { commit: 'c1', environments: [{ env: 'previews', target: 'scripts', state: 'Clean', resources: [{ name: 'shop', state: 'Clean', errors: [], links }, { name: 'cart', state: 'Clean', errors: [] }] }] };
    const peers: PeerStatuses = { ...PEERS, deployer: { state: 'ok', url: 'http://deployer', fetchedAt: '2024-01-01T00:00:00Z', status: deployer } };
    for (const snapshot of [snapshotWith({}), undefined]) {
      const status = buildStatus(snapshot, new VersionCatalog(), peers);
      const shown = status.deployer.state === 'ok' ? status.deployer.status.environments[0]?.resources : undefined;
      expect(shown?.[0]?.links?.map((l) => l.name)).toEqual(['app', 'plain']);
      expect(shown?.[1]).toEqual({ name: 'cart', state: 'Clean', errors: [] });
    }
  });

  it('with a memo, rebuilds only the rows whose resources or known versions changed, and builds the same status as without', () => {
    const texts = {
      'dev/base/shop/cart.yaml': configMap('cart'),
      'dev/version/shop/cart.yaml': 'version: "0.9"\n',
      'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
    };
    const memo = new StatusMemo();
    const catalog = new VersionCatalog();
    const first = parseSnapshot(repoFilesFromText('c1', texts));
    const before = buildStatus(first, catalog, PEERS, memo);
    const second = nextSnapshot(first, repoFilesFromText('c2', { ...texts, 'dev/version/shop/cart.yaml': 'version: "1.0"\n' }));
    const after = buildStatus(second, catalog, PEERS, memo);
    expect(after).toEqual(buildStatus(second, catalog, PEERS));
    const row = (status: typeof before, name: string) => status.resources.find((r) => r.name === name);
    expect(row(after, 'web')).toBe(row(before, 'web'));
    expect(row(after, 'shop/cart')?.envs['dev']?.version).toBe('1.0');
    catalog.introduce('web', '2.0', undefined, 'dev');
    const third = buildStatus(second, catalog, PEERS, memo);
    expect(row(third, 'web')).not.toBe(row(after, 'web'));
    expect(third).toEqual(buildStatus(second, catalog, PEERS));
  });

  it('with a memo, keeps the very list of rows while only the peers change, and builds it anew when what rows show does', () => {
    const snapshot = snapshotWith({});
    const memo = new StatusMemo();
    const catalog = new VersionCatalog();
    let secretsRevision = 0;
    let locksRevision = 0;
    const secrets = { of: () => [], revision: () => secretsRevision, revisionOfAll: () => secretsRevision, changedSince: () => undefined };
    const locks = { of: () => [], revision: () => locksRevision };
    const build = (peers: PeerStatuses) => buildStatus(snapshot, catalog, peers, memo, secrets, locks);
    const first = build(PEERS);
    const deployer: DeployerStatus = { commit: 'c0ffee', environments: [] };
    const peersChanged = build({ ...PEERS, deployer: { state: 'ok', url: 'http://deployer', status: deployer, fetchedAt: '2026-01-01T00:00:00Z' } });
    expect(peersChanged.resources).toBe(first.resources);
    expect(peersChanged.deployer).not.toEqual(first.deployer);
    catalog.introduce('web', '2.0', undefined, 'dev');
    const versionKnown = build(PEERS);
    expect(versionKnown.resources).not.toBe(first.resources);
    expect(versionKnown.resources.find((r) => r.name === 'web')?.versions.map((v) => v.version)).toContain('2.0');
    secretsRevision++;
    const secretsChanged = build(PEERS);
    expect(secretsChanged.resources).not.toBe(versionKnown.resources);
    locksRevision++;
    expect(build(PEERS).resources).not.toBe(secretsChanged.resources);
    expect(build(PEERS)).toEqual(buildStatus(snapshot, catalog, PEERS, undefined, secrets, locks));
  });

  it('with a memo, over random walks of commits, versions and secrets becoming known, builds what a fresh build does, and keeps untouched rows', () => {
    const prng = createPrng(13);
    const envs = ['dev', 'pp', 'prod'];
    const texts: Record<string, string> = {};
    const names = Array.from({ length: 12 }, (_, i) => `team/svc-${i}`);
    for (const env of envs) {
      for (const name of names.slice(0, 8)) {
        texts[`${env}/base/${name}.yaml`] = configMap(name.replace('/', '-'));
        texts[`${env}/version/${name}.yaml`] = 'version: "1.0"\n';
      }
    }
    // Secret origins as the aggregator's: a view per name, a revision per name, and a log of which changed.
    const secretViews = new Map<string, SecretKeyView[]>();
    const secretRevisions = new Map<string, number>();
    const log = new ChangeLog(6);
    // The rows a build looks at: after a small change, only those it touched.
    const lookedAt = new Set<string>();
    const secrets: SecretKeys = {
      of: (resource) => secretViews.get(resource.name) ?? [],
      revision: (name) => {
        lookedAt.add(name);
        return secretRevisions.get(name) ?? 0;
      },
      revisionOfAll: () => log.mark,
      changedSince: (mark) => log.since(mark),
    };
    const catalog = new VersionCatalog();
    const memo = new StatusMemo();
    let snapshot = parseSnapshot(repoFilesFromText('c0', texts));
    let previous = buildStatus(snapshot, catalog, PEERS, memo, secrets);
    let keptRows = 0;
    for (let step = 1; step <= 300; step++) {
      const touched = new Set<string>();
      const action = prng.int(10);
      const env = prng.pick(envs);
      const name = prng.pick(names);
      if (action < 4) {
        // A version push: the patched snapshot keeps every other resource.
        if (texts[`${env}/version/${name}.yaml`] !== undefined) texts[`${env}/version/${name}.yaml`] = `version: "${step}.0"\n`;
        touched.add(name);
      } else if (action === 4) {
        // A resource added or removed: every row is built again.
        if (texts[`${env}/base/${name}.yaml`] === undefined) {
          texts[`${env}/base/${name}.yaml`] = configMap(name.replace('/', '-'));
          texts[`${env}/version/${name}.yaml`] = 'version: "0.1"\n';
        } else if (Object.keys(texts).filter((path) => path.startsWith(`${env}/base/`)).length > 1) {
          delete texts[`${env}/base/${name}.yaml`];
          delete texts[`${env}/version/${name}.yaml`];
        }
        touched.add('*');
      } else if (action === 5) {
        texts[`${env}/locks.yaml`] = prng.chance(0.5) ? `environment: { reasons: ["step ${step}"] }\n` : 'environment: { reasons: [] }\n';
        touched.add('*');
      } else if (action < 8) {
        // A version of a resource without a row (none of the environments holds it) builds every row.
        const held = prng.chance(0.9) && previous.resources.some((r) => r.name === name);
        catalog.introduce(held ? name : `gone/${step}`, `${step}.0`, undefined, env);
        touched.add(held ? name : '*');
      } else if (action === 8) {
        secretViews.set(name, [{ key: `key${step}` }]);
        secretRevisions.set(name, (secretRevisions.get(name) ?? 0) + 1);
        log.record(name);
        touched.add(previous.resources.some((r) => r.name === name) ? name : '*');
      } else if (prng.chance(0.1)) {
        catalog.clear();
        touched.add('*');
      }
      snapshot = nextSnapshot(snapshot, repoFilesFromText(`c${step}`, texts));
      lookedAt.clear();
      const status = buildStatus(snapshot, catalog, PEERS, memo, secrets);
      const looked = [...lookedAt];
      expect(status, `step ${step}`).toEqual(buildStatus(snapshot, catalog, PEERS, undefined, secrets));
      if (!touched.has('*')) {
        expect(looked.filter((n) => !touched.has(n)), `step ${step}`).toEqual([]);
        for (const row of status.resources) {
          if (touched.has(row.name)) continue;
          expect(row, `step ${step}: ${row.name}`).toBe(previous.resources.find((r) => r.name === row.name));
          keptRows++;
        }
      }
      previous = status;
    }
    expect(keptRows).toBeGreaterThan(1000);
  });
});
