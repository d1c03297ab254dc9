import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { validateSnapshot } from './validate.ts';
import { MAX_FILE_BYTES, repoFilesFromText, type RepoFile, type RepoFiles } from '../repo/files.ts';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { version: $version }\n`;

const healthy = {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev, prune: true }\n',
  'dev/base/shop/cart.yaml': configMap('cart'),
  'dev/version/shop/cart.yaml': 'version: "0.9"\n',
  'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
  'pp/base/shop/cart.yaml': configMap('cart'),
  'pp/version/shop/cart.yaml': 'version: "0.8"\n',
};

type Entry = string | Omit<RepoFile, 'path'> | null;

/** The healthy repo with entries added as text, replaced by a RepoFile, or removed (null). */
function parseWith(extra: Record<string, Entry>) {
  const files: RepoFiles = repoFilesFromText('c0ffee', { ...healthy, ...Object.fromEntries(Object.entries(extra).filter((e): e is [string, string] => typeof e[1] === 'string')) });
  for (const [path, entry] of Object.entries(extra)) {
    if (entry === null) files.files.delete(path);
    else if (typeof entry !== 'string') files.files.set(path, { path, ...entry });
  }
  const snapshot = parseSnapshot(files);
  return { snapshot, errors: validateSnapshot(snapshot).filter((p) => p.severity === 'error') };
}

/** The rendered result of one resource of an environment. */
function renderedOf(snapshot: ReturnType<typeof parseSnapshot>, env: string, name: string) {
  return renderEnvironment(snapshot, env).find((r) => r.name === name);
}

const symlink = { kind: 'symlink', oid: 'l1', size: 12 } as const;
const oversized = { kind: 'file', oid: 'big', size: MAX_FILE_BYTES + 1 } as const;
const submodule = { kind: 'submodule', oid: 'sub', size: 0 } as const;

describe('a resource whose files cannot be read', () => {
  const cases: Array<[string, Record<string, Omit<RepoFile, 'path'>>, string, string, string]> = [
    ['an oversized version file', { 'dev/version/shop/cart.yaml': oversized }, 'shop/cart', 'dev/version/shop/cart.yaml', 'too-large'],
    ['a symlinked version file', { 'dev/version/shop/cart.yaml': symlink }, 'shop/cart', 'dev/version/shop/cart.yaml', 'symlink'],
    ['a submodule as base', { 'dev/base/shop/cart.yaml': submodule }, 'shop/cart', 'dev/base/shop/cart.yaml', 'submodule'],
    ['a symlinked deployable', { 'dev/deployable/web.yaml': symlink }, 'web', 'dev/deployable/web.yaml', 'symlink'],
    ['an oversized deployable', { 'dev/deployable/web.yaml': oversized }, 'web', 'dev/deployable/web.yaml', 'too-large'],
  ];
  it.each(cases)('keeps the resource for %s and fails its render naming the file', (_what, extra, name, file, code) => {
    const { snapshot, errors } = parseWith(extra);
    const resource = snapshot.environments.get('dev')?.resources.get(name);
    expect(resource?.problems).toEqual([expect.objectContaining({ file, code, env: 'dev', resource: name })]);
    expect(renderedOf(snapshot, 'dev', name)).toMatchObject({ ok: false, problems: [expect.objectContaining({ file, code })] });
    expect(errors).toEqual([expect.objectContaining({ file, code })]);
    expect(snapshot.environments.get('dev')?.pruneHold).toBeUndefined();
    expect(renderedOf(snapshot, 'pp', 'shop/cart')).toMatchObject({ ok: true, version: '0.8' });
  });

  it('keeps a symlinked version file without a base as a resource, reporting only the symlink', () => {
    const { snapshot, errors } = parseWith({ 'dev/version/orphan.yaml': symlink });
    expect(snapshot.environments.get('dev')?.resources.get('orphan')?.source).toEqual({ kind: 'versionOnly', versionFile: 'dev/version/orphan.yaml' });
    expect(errors.map((e) => e.code)).toEqual(['symlink']);
  });

  it.each([
    ['an alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nversion: "1"\n', 'yaml-alias'],
    ['a syntax error', 'version: [1.0\n', 'yaml-syntax'],
  ])('keeps a template whose version file holds %s, its render naming the version file', (_what, text, code) => {
    const { snapshot } = parseWith({ 'dev/version/shop/cart.yaml': text });
    expect(snapshot.environments.get('dev')?.resources.get('shop/cart')?.source.kind).toBe('template');
    expect(renderedOf(snapshot, 'dev', 'shop/cart')).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'dev/version/shop/cart.yaml', code })] });
  });

  it('keeps a resource defined both as a deployable and as a template, failing its render', () => {
    const { snapshot } = parseWith({ 'dev/deployable/shop/cart.yaml': configMap('cart') });
    expect(snapshot.environments.get('dev')?.resources.has('shop/cart')).toBe(true);
    expect(renderedOf(snapshot, 'dev', 'shop/cart')).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'duplicate-resource' })] });
  });
});

describe('an environment whose set of resources is uncertain', () => {
  it('has no prune hold when its structure is sound', () => {
    const { snapshot, errors } = parseWith({ 'dev/deployable/.gitkeep': '' });
    expect(errors).toEqual([]);
    expect(snapshot.environments.get('dev')?.pruneHold).toBeUndefined();
  });

  const cases: Array<[string, Record<string, Entry>, string, string]> = [
    ['a resource folder replaced by a symlink', { 'dev/deployable/web.yaml': null, 'dev/deployable': symlink }, 'dev/deployable', 'not-a-folder'],
    ['a resource folder replaced by a file', { 'dev/version/shop/cart.yaml': null, 'dev/version': 'shop/cart: 1\n' }, 'dev/version', 'not-a-folder'],
    ['an upper-case name', { 'dev/version/Shop.yaml': 'version: "1"\n' }, 'dev/version/Shop.yaml', 'bad-name'],
    ['odd bytes in a name', { 'dev/deployable/w\u0007eb.yaml': 'kind: X\n' }, 'dev/deployable/w\u0007eb.yaml', 'bad-name'],
    ['a file that is not YAML', { 'dev/base/shop/cart.yaml.bak': 'kind: X\n' }, 'dev/base/shop/cart.yaml.bak', 'not-yaml'],
    ['a subfolder replaced by a symlink', { 'dev/deployable/shared': symlink }, 'dev/deployable/shared', 'not-yaml'],
    ['a typo of a resource folder', { 'dev/deployables/web.yaml': 'kind: X\n' }, 'dev/deployables/web.yaml', 'reserved-typo'],
  ];
  it.each(cases)('holds pruning for %s, naming the path', (_what, extra, file, code) => {
    const { snapshot } = parseWith(extra);
    const problems = validateSnapshot(snapshot);
    expect(problems).toContainEqual(expect.objectContaining({ file, code }));
    expect(snapshot.environments.get('dev')?.pruneHold).toEqual([expect.objectContaining({ file, code, env: 'dev' })]);
    expect(snapshot.environments.get('pp')?.pruneHold).toBeUndefined();
    expect(renderedOf(snapshot, 'dev', 'shop/cart')?.ok ?? renderedOf(snapshot, 'dev', 'web')?.ok).toBe(true);
  });

  const bindQa = `${healthy['deployers.yaml']}  qa: { target: local, namespace: qa, prune: true }\n`;

  it('holds pruning for a bound environment whose only resource folder was replaced by a file', () => {
    const { snapshot } = parseWith({ 'deployers.yaml': bindQa, 'qa/deployable': symlink });
    expect(snapshot.environments.get('qa')?.pruneHold).toEqual([expect.objectContaining({ file: 'qa/deployable', code: 'not-a-folder' })]);
  });

  it('holds pruning for a bound environment whose whole folder was replaced by a file', () => {
    const { snapshot, errors } = parseWith({ 'deployers.yaml': bindQa, qa: symlink });
    expect(errors).toContainEqual(expect.objectContaining({ file: 'qa', code: 'env-not-folder', env: 'qa' }));
    expect(snapshot.environments.get('qa')?.pruneHold).toEqual([expect.objectContaining({ file: 'qa', code: 'env-not-folder' })]);
  });
});
