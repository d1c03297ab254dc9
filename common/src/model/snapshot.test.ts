import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { validateSnapshot } from './validate.ts';
import { repoFilesFromText, type RepoFile, type RepoFiles } from '../repo/files.ts';

const healthy = {
  'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n',
  'latest/base/shop/cart.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cart }\ndata: { version: $version }\n',
  'latest/version/shop/cart.yaml': 'version: "1.0"\n',
  'dev/base/shop/cart.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cart }\ndata: { version: $version }\n',
  'dev/version/shop/cart.yaml': 'version: "0.9"\n',
  'dev/deployable/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
};

/** Parses the healthy repo plus extra files, and returns the snapshot and its errors. */
function parseWith(extra: Record<string, string>, tweak?: (files: RepoFiles) => void) {
  const files = repoFilesFromText('c0ffee', { ...healthy, ...extra });
  tweak?.(files);
  const snapshot = parseSnapshot(files);
  return { snapshot, errors: validateSnapshot(snapshot).filter((p) => p.severity === 'error') };
}

/** Asserts the rest of the healthy repo is still parsed and renders. */
function expectOthersUnaffected(snapshot: ReturnType<typeof parseSnapshot>) {
  expect(snapshot.environments.get('latest')?.resources.get('shop/cart')?.version?.version).toBe('1.0');
  const dev = renderEnvironment(snapshot, 'dev');
  expect(dev.find((r) => r.name === 'web')).toMatchObject({ ok: true });
  expect(dev.find((r) => r.name === 'shop/cart')).toMatchObject({ ok: true, version: '0.9' });
}

describe('parseSnapshot', () => {
  it('reads environments in pipeline order with resources, versions and deployables', () => {
    const { snapshot, errors } = parseWith({});
    expect(errors).toEqual([]);
    // pp has no folder yet, but transitions.yaml names it, so it is an environment (see environments.ts).
    expect([...snapshot.environments.keys()]).toEqual(['latest', 'dev', 'pp']);
    expect(snapshot.transitions.map((t) => t.name)).toEqual(['dev', 'pp']);
    expect(snapshot.environments.get('dev')?.resources.get('web')?.source).toEqual({ kind: 'deployable', file: 'dev/deployable/web.yaml' });
    const rendered = renderEnvironment(snapshot, 'dev');
    const web = rendered.find((r) => r.name === 'web');
    expect(web?.ok && web.manifests.map((m) => m['kind'])).toEqual(['ConfigMap', 'Service']);
  });

  it('reports a base without a version file as unreleased, not as an error', () => {
    const { snapshot, errors } = parseWith({ 'dev/base/shop/new.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: new }\n' });
    expect(errors).toEqual([]);
    expect(snapshot.environments.get('dev')?.resources.get('shop/new')?.source.kind).toBe('unreleased');
    expect(renderEnvironment(snapshot, 'dev').map((r) => r.name)).not.toContain('shop/new');
  });

  const badInputs: Array<[string, Record<string, string>, string, string]> = [
    ['malformed YAML', { 'dev/base/a.yaml': 'kind: X\n', 'dev/version/a.yaml': 'version: [1.0\n' }, 'dev/version/a.yaml', 'yaml-syntax'],
    ['a version file without its base', { 'dev/version/orphan.yaml': 'version: "1"\n' }, 'dev/version/orphan.yaml', 'missing-base'],
    ['a version file that is not a map', { 'dev/base/b.yaml': 'kind: X\n', 'dev/version/b.yaml': '- 1\n- 2\n' }, 'dev/version/b.yaml', 'version-not-map'],
    ['a version file without version', { 'dev/base/b.yaml': 'kind: X\n', 'dev/version/b.yaml': 'image: x\n' }, 'dev/version/b.yaml', 'version-missing'],
    ['a numeric version', { 'dev/base/b.yaml': 'kind: X\n', 'dev/version/b.yaml': 'version: 1.0\n' }, 'dev/version/b.yaml', 'version-not-string'],
    ['duplicate keys', { 'dev/base/b.yaml': 'kind: X\n', 'dev/version/b.yaml': 'version: "1"\nversion: "2"\n' }, 'dev/version/b.yaml', 'yaml-syntax'],
    ['".." in a name', { 'dev/version/../x.yaml': 'version: "1"\n' }, 'dev/version/../x.yaml', 'bad-path'],
    ['an upper-case name', { 'dev/version/Shop.yaml': 'version: "1"\n' }, 'dev/version/Shop.yaml', 'bad-name'],
    ['odd bytes in a name', { 'dev/version/sh\u0007op.yaml': 'version: "1"\n' }, 'dev/version/sh\u0007op.yaml', 'bad-name'],
    ['a typo of a reserved file', { 'transitons.yaml': 'transitions: {}\n' }, 'transitons.yaml', 'reserved-typo'],
    ['a top-level folder named like a reserved file', { 'deployers/dev.yaml': 'x: 1\n' }, 'deployers/dev.yaml', 'reserved-typo'],
    ['a typo of a resource folder', { 'dev/deployables/x.yaml': 'kind: X\n' }, 'dev/deployables/x.yaml', 'reserved-typo'],
    ['a bad locks.yaml', { 'dev/locks.yaml': 'env_lock: { reasons: "not a list" }\n' }, 'dev/locks.yaml', 'locks-bad-shape'],
    ['a bad transitions.yaml rule', { 'transitions.yaml': 'transitions:\n  pp: { source: dev, target: pp, schedule: "61 * *" }\n' }, 'transitions.yaml', 'transition-bad-schedule'],
  ];
  it.each(badInputs)('reports %s naming the file, the others unaffected', (_what, extra, file, code) => {
    const { snapshot, errors } = parseWith(extra);
    expect(errors).toEqual([expect.objectContaining({ file, code })]);
    expect(errors[0]?.message.length).toBeGreaterThan(10);
    if (file !== 'transitions.yaml') expectOthersUnaffected(snapshot);
  });

  it('gives line and column for syntax errors', () => {
    const { errors } = parseWith({ 'dev/base/a.yaml': 'kind: X\n', 'dev/version/a.yaml': 'version: "1"\nimage: [x\n' });
    expect(errors[0]).toMatchObject({ file: 'dev/version/a.yaml', line: 3, col: 1 });
  });

  it('refuses absolute paths, symlinks and oversized files', () => {
    const add = (files: RepoFiles, file: RepoFile) => files.files.set(file.path, file);
    const { snapshot, errors } = parseWith({}, (files) => {
      add(files, { path: 'dev/version/link.yaml', kind: 'symlink', oid: 'l', size: 10 });
      add(files, { path: 'dev/deployable/huge.yaml', kind: 'file', oid: 'h', size: 6 * 1024 * 1024 });
      add(files, { path: '/etc/version/x.yaml', kind: 'file', oid: 'a', size: 1, content: new Uint8Array([65]) });
      add(files, { path: 'dev/deployable/latin1.yaml', kind: 'file', oid: 'b', size: 2, content: new Uint8Array([0xff, 0xfe]) });
    });
    expect(errors.map((e) => [e.file, e.code]).sort()).toEqual([
      ['/etc/version/x.yaml', 'bad-path'],
      ['dev/deployable/huge.yaml', 'too-large'],
      ['dev/deployable/latin1.yaml', 'not-utf8'],
      ['dev/version/link.yaml', 'symlink'],
    ].sort());
    expectOthersUnaffected(snapshot);
  });

  it('stops a YAML alias bomb without expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'version: "1"', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    const { snapshot, errors } = parseWith({ 'dev/base/bomb.yaml': 'kind: X\n', 'dev/version/bomb.yaml': bomb });
    expect(errors).toEqual([expect.objectContaining({ file: 'dev/version/bomb.yaml', code: 'yaml-alias' })]);
    expectOthersUnaffected(snapshot);
  });

  it('reads locks with reasons', () => {
    const { snapshot } = parseWith({ 'dev/locks.yaml': 'env_lock: { reasons: ["release freeze"] }\nresource_locks:\n  shop/cart: { reasons: ["incident 4711"] }\n  web: { reasons: [] }\n' });
    expect(snapshot.environments.get('dev')?.locks).toEqual({ envReasons: ['release freeze'], resourceReasons: { 'shop/cart': ['incident 4711'] } });
  });

  it('reuses parsed files through the cache and re-parses only changed blobs', () => {
    const cache = new Map<string, unknown>();
    parseSnapshot(repoFilesFromText('a', healthy), { cache });
    const size = cache.size;
    const changed = parseSnapshot(repoFilesFromText('b', { ...healthy, 'dev/version/shop/cart.yaml': 'version: "1.0"\n' }), { cache });
    expect(cache.size).toBe(size + 1);
    expect(changed.environments.get('dev')?.resources.get('shop/cart')?.version?.version).toBe('1.0');
  });
});
