import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { repoFilesFromText } from '../repo/files.ts';

/** Renders one template with one version file and returns its single rendered resource. */
function render(base: string, version: string) {
  const snapshot = parseSnapshot(repoFilesFromText('c', { 'dev/base/app.yaml': base, 'dev/version/app.yaml': version }));
  const [result] = renderEnvironment(snapshot, 'dev');
  if (!result) throw new Error('nothing rendered');
  return result;
}

const head = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\n';

describe('merge', () => {
  it('renders one parsed base for two versions, each filled in its own copy that shares what it does not fill', () => {
    const base = `${head}spec:\n  image: reg/app:$version\n  template: { spec: { dnsPolicy: ClusterFirst } }\n`;
    const at = (commit: string, version: string) => parseSnapshot(repoFilesFromText(commit, { 'dev/base/app.yaml': base, 'dev/version/app.yaml': `version: "${version}"\n` }));
    const cache = new Map();
    const [one] = renderEnvironment(at('c1', '1'), 'dev', cache);
    const [two] = renderEnvironment(at('c2', '2'), 'dev', cache);
    const spec = (r: typeof one) => (r?.ok ? (r.manifests[0]?.['spec'] as { image: string; template: object }) : undefined);
    expect(spec(one)?.image).toBe('reg/app:1');
    expect(spec(two)?.image).toBe('reg/app:2');
    // The base is parsed once; its unfilled parts are that parse, frozen, in both renders.
    expect(spec(one)?.template).toBe(spec(two)?.template);
    expect(Object.isFrozen(spec(one)?.template)).toBe(true);
    const [again] = renderEnvironment(at('c3', '1'), 'dev', cache);
    expect(spec(again)).toEqual(spec(one));
  });

  it('parses a base once for every environment that holds the same file, and names each its own file in problems', () => {
    const base = `${head}spec:\n  image: reg/app:$version\n  size: \${size}\n  template: { spec: { dnsPolicy: ClusterFirst } }\n`;
    const snapshot = parseSnapshot(repoFilesFromText('c', {
      'dev/base/app.yaml': base,
      'dev/version/app.yaml': 'version: "1"\nsize: 2\n',
      'pp/base/app.yaml': base,
      'pp/version/app.yaml': 'version: "2"\n',
      'prod/base/app.yaml': 'this: [is, not\n',
      'qa/base/app.yaml': 'this: [is, not\n',
      'prod/version/app.yaml': 'version: "3"\n',
      'qa/version/app.yaml': 'version: "3"\n',
    }));
    const cache = new Map();
    const [dev] = renderEnvironment(snapshot, 'dev', cache);
    const [pp] = renderEnvironment(snapshot, 'pp', cache);
    const [prod] = renderEnvironment(snapshot, 'prod', cache);
    const [qa] = renderEnvironment(snapshot, 'qa', cache);
    const spec = dev?.ok ? (dev.manifests[0]?.['spec'] as { image: string; template: object }) : undefined;
    expect(spec?.image).toBe('reg/app:1');
    // The second environment's render shares the first one's parse of the same blob.
    expect(pp).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'pp/base/app.yaml', line: 6, code: 'missing-key' })] });
    expect(prod).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'prod/base/app.yaml' })] });
    expect(qa).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'qa/base/app.yaml' })] });
    expect([...cache.keys()].filter((key: string) => key.startsWith('manifest'))).toHaveLength(2);
    const [devAgain] = renderEnvironment(parseSnapshot(repoFilesFromText('d', { 'dev/base/app.yaml': base, 'dev/version/app.yaml': 'version: "4"\nsize: 1\n' })), 'dev', cache);
    const specAgain = devAgain?.ok ? (devAgain.manifests[0]?.['spec'] as { template: object }) : undefined;
    expect(specAgain?.template).toBe(spec?.template);
  });

  it('refuses tagged YAML values JSON has no form for (!!binary, !!timestamp) rather than render them changed', () => {
    const file = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\nbinaryData: { b: !!binary aGVsbG8= }\nz: !!timestamp 2001-12-14\n';
    const [result] = renderEnvironment(parseSnapshot(repoFilesFromText('c', { 'dev/deployable/a.yaml': file })), 'dev');
    expect(result).toMatchObject({ ok: false, problems: [{ code: 'yaml-tag', line: 4, col: 18 }, { code: 'yaml-tag', line: 5, col: 4 }] });
  });

  it('replaces $version and ${key} inside strings', () => {
    const result = render(`${head}spec:\n  image: registry/app:$version\n  tag: "\${image}-x"\n`, 'version: "1.2"\nimage: reg/app\n');
    expect(result).toMatchObject({ ok: true, version: '1.2', manifests: [{ spec: { image: 'registry/app:1.2', tag: 'reg/app-x' } }] });
  });

  it('gives a whole-scalar placeholder the value type', () => {
    const result = render(`${head}spec:\n  replicas: \${replicas}\n  env: \${config}\n  debug: \${debug}\n`, 'version: "1"\nreplicas: 3\ndebug: false\nconfig: { a: 1, b: [x] }\n');
    expect(result.ok && result.manifests[0]?.['spec']).toEqual({ replicas: 3, env: { a: 1, b: ['x'] }, debug: false });
  });

  it('keeps a quoted whole placeholder a string', () => {
    const result = render(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  annotations: { build: "\${build}" }\n`, 'version: "1"\nbuild: 42\n');
    expect(result.ok && result.manifests[0]?.['metadata']).toEqual({ name: 'app', annotations: { build: '42' } });
  });

  it('reads $$ as a literal dollar and leaves other dollars alone', () => {
    const result = render(`${head}spec:\n  cmd: "echo $$HOME costs 5$ $versions"\n`, 'version: "1"\n');
    expect(result.ok && result.manifests[0]?.['spec']).toEqual({ cmd: 'echo $HOME costs 5$ $versions' });
  });

  it('reaches into maps with dotted keys', () => {
    const result = render(`${head}spec:\n  db: "\${config.db.host}:5432"\n`, 'version: "1"\nconfig: { db: { host: pg } }\n');
    expect(result.ok && result.manifests[0]?.['spec']).toEqual({ db: 'pg:5432' });
  });

  it('reports a missing key with the base file, line, column and the version file', () => {
    const result = render(`${head}spec:\n  image: \${image}\n`, 'version: "1"\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.objectContaining({ file: 'dev/base/app.yaml', line: 5, col: 10, code: 'missing-key' })]);
    expect(result.problems[0]?.message).toContain('dev/version/app.yaml');
  });

  it('never lets a version value inject YAML structure', () => {
    const evil = 'x\\nkind: Secret\\n---\\napiVersion: v1';
    const result = render(`${head}spec:\n  image: "\${image}"\n`, `version: "1"\nimage: "${evil}"\n`);
    expect(result.ok && result.manifests).toHaveLength(1);
    expect(result.ok && result.manifests[0]?.['kind']).toBe('Deployment');
    expect(result.ok && (result.manifests[0]?.['spec'] as { image: string }).image).toBe('x\nkind: Secret\n---\napiVersion: v1');
  });

  it('refuses to embed a map in text', () => {
    const result = render(`${head}spec:\n  x: "a-\${config}"\n`, 'version: "1"\nconfig: { a: 1 }\n');
    expect(!result.ok && result.problems[0]?.code).toBe('not-embeddable');
  });

  it('leaves map keys untouched', () => {
    const result = render(`${head}data:\n  $version: \${version}\n`, 'version: "7"\n');
    expect(result.ok && result.manifests[0]?.['data']).toEqual({ $version: '7' });
  });

  it('renders every document of a multi-document base', () => {
    const result = render(`${head}---\napiVersion: v1\nkind: Service\nmetadata: { name: app-$version }\n`, 'version: "2"\n');
    expect(result.ok && result.manifests.map((m) => (m['metadata'] as { name: string }).name)).toEqual(['app', 'app-2']);
  });

  it('reports a document that is not an object', () => {
    const result = render('apiVersion: v1\nkind: ConfigMap\n', 'version: "1"\n');
    expect(!result.ok && result.problems[0]).toMatchObject({ file: 'dev/base/app.yaml', code: 'bad-manifest' });
  });
});
