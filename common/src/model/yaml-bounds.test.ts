import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import { renderEnvironment, renderEnvironmentAsync } from './render.ts';
import { parseSnapshot, parseSnapshotAsync } from './snapshot.ts';
import { addLockReason, UneditableFileError, writeVersionFile } from './writers.ts';
import { MAX_YAML_NODES, overNodeCap, parseYamlFile } from './yaml-file.ts';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { version: $version }\n`;
/** A map of `count` keys: three nodes each (key, value, entry). */
const keys = (count: number) => Array.from({ length: count }, (_, i) => `key${i}: value-${i}\n`).join('');
/** The most keys a map may have on its own: three nodes per key. */
const FITTING = Math.floor(MAX_YAML_NODES / 3);
const overCap = `version: "1"\n${keys(FITTING)}`;

/** A CustomResourceDefinition of about 1.5 MB, its schema as dense as real ones (most are less dense). */
function largeCrd(): string {
  const property = (i: number) => `                field${i}:\n                  description: Field ${i} of the spec; the operator reads it on every reconcile and applies it to the managed pods.\n                  type: string\n`;
  const head = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec:\n  group: example.com\n  names: { kind: Widget, plural: widgets }\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n';
  return head + Array.from({ length: 9_000 }, (_, i) => property(i)).join('');
}

const healthy = {
  'dev/base/app.yaml': configMap('app'),
  'dev/version/app.yaml': 'version: "1"\n',
  'dev/base/other.yaml': configMap('other'),
  'dev/version/other.yaml': 'version: "2"\n',
};

describe('the node cap', () => {
  it('refuses a version file over the cap naming the cap; the resource stays and fails to render', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', { ...healthy, 'dev/version/app.yaml': overCap }));
    const problem = { file: 'dev/version/app.yaml', code: 'too-many-nodes', severity: 'error', env: 'dev', resource: 'app', message: expect.stringContaining('100,000 YAML nodes') };
    expect(snapshot.problems).toEqual([expect.objectContaining(problem)]);
    expect(snapshot.environments.get('dev')?.resources.get('app')?.problems).toEqual([expect.objectContaining(problem)]);
    const rendered = renderEnvironment(snapshot, 'dev');
    expect(rendered.find((r) => r.name === 'app')).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'too-many-nodes' })] });
    expect(rendered.find((r) => r.name === 'other')).toMatchObject({ ok: true, version: '2' });
  });

  it('fails the render of a resource whose base is over the cap', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', { ...healthy, 'dev/base/app.yaml': `${configMap('app')}${keys(FITTING)}` }));
    const rendered = renderEnvironment(snapshot, 'dev');
    expect(rendered.find((r) => r.name === 'app')).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'dev/base/app.yaml', code: 'too-many-nodes' })] });
    expect(rendered.find((r) => r.name === 'other')).toMatchObject({ ok: true });
  });

  it('locks an environment whose locks.yaml is over the cap', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', { ...healthy, 'dev/locks.yaml': `resource_locks:\n${keys(FITTING)}` }));
    expect(snapshot.environments.get('dev')?.locks.envReasons).not.toEqual([]);
    expect(snapshot.problems).toEqual([expect.objectContaining({ file: 'dev/locks.yaml', code: 'too-many-nodes' })]);
  });

  it('counts keys, values and entries, and composes nothing of a file over the cap', () => {
    expect(overNodeCap(keys(FITTING))).toBe(false);
    expect(overNodeCap(keys(FITTING + 1))).toBe(true);
    // Empty entries are nodes too: a list of dashes cannot slip past the count.
    expect(overNodeCap('-\n'.repeat(MAX_YAML_NODES + 1))).toBe(true);
    const refused = parseYamlFile('f.yaml', '-\n'.repeat(MAX_YAML_NODES + 1));
    expect(refused.problems.map((p) => p.code)).toEqual(['too-many-nodes']);
    expect(refused.documents).toEqual([]);
  });

  it('reads a 1.5 MB CustomResourceDefinition', () => {
    const crd = largeCrd();
    expect(crd.length).toBeGreaterThan(1_500_000);
    const snapshot = parseSnapshot(repoFilesFromText('c1', { ...healthy, 'dev/deployable/crd.yaml': crd }));
    const rendered = renderEnvironment(snapshot, 'dev').find((r) => r.name === 'crd');
    expect(rendered).toMatchObject({ ok: true, manifests: [expect.objectContaining({ kind: 'CustomResourceDefinition' })] });
  });

  it('keeps Cascade from editing a file over the cap or with a repeated key', () => {
    expect(() => writeVersionFile(overCap, '2')).toThrow(UneditableFileError);
    expect(() => writeVersionFile('version: "1"\nimage: a\nimage: b\n', '2')).toThrow(/"image" appears twice/);
    expect(() => addLockReason('env_lock: { reasons: [a] }\nenv_lock: {}\n', 'b')).toThrow(UneditableFileError);
  });
});

describe('parsing in steps', () => {
  const files = { ...healthy, 'dev/version/big.yaml': `version: "3"\n${keys(20_000)}`, 'dev/base/big.yaml': `${configMap('big')}${keys(20_000)}`, 'dev/locks.yaml': 'env_lock: { reasons: [freeze] }\n' };

  it('pauses many times within one large file and between files, and gives what the synchronous parse gives', async () => {
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    const repo = repoFilesFromText('c1', files);
    const stepped = await parseSnapshotAsync(repo, { pause });
    // 20,000 keys are some 100,000 lexemes, and a step is at most a thousand.
    expect(pauses).toBeGreaterThan(100);
    const { files: _stepFiles, ...steppedRest } = stepped;
    const { files: _syncFiles, ...syncRest } = parseSnapshot(repo);
    expect(steppedRest).toEqual(syncRest);

    pauses = 0;
    const rendered = await renderEnvironmentAsync(stepped, 'dev', new Map(), pause);
    expect(pauses).toBeGreaterThan(100);
    expect(rendered).toEqual(renderEnvironment(stepped, 'dev'));
  });
});
