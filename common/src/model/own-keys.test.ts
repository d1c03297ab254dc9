import { describe, expect, it } from 'vitest';
import { parseSnapshot, type SnapshotWithFiles } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { validateSnapshot } from './validate.ts';
import { isLocked } from './locks.ts';
import { repoFilesFromText } from '../repo/files.ts';
import type { YamlValue } from './types.ts';

const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n';

/** Parses one template with one version file. */
function snapshotOf(base: string, version: string, extra: Record<string, string> = {}) {
  return parseSnapshot(repoFilesFromText('c', { 'dev/base/app.yaml': base, 'dev/version/app.yaml': version, ...extra }));
}

/** Renders the single resource of env dev. */
function renderOne(snapshot: SnapshotWithFiles) {
  const [result] = renderEnvironment(snapshot, 'dev');
  if (!result) throw new Error('nothing rendered');
  return result;
}

const builtIns = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'config.constructor', 'config.__proto__', 'config.toString.name'];

describe('placeholders only ever read keys the version file has', () => {
  it.each(builtIns)('reports ${%s} as a missing key, standing alone, quoted or in text', (key) => {
    for (const value of [`\${${key}}`, `"\${${key}}"`, `"x-\${${key}}"`]) {
      const snapshot = snapshotOf(`${head}data:\n  x: ${value}\n`, 'version: "1"\nconfig: { a: b }\n');
      const result = renderOne(snapshot);
      expect(result).toMatchObject({ ok: false, problems: [expect.objectContaining({ file: 'dev/base/app.yaml', code: 'missing-key' })] });
      expect(() => validateSnapshot(snapshot)).not.toThrow();
    }
  });

  it('reports a built-in name in a base that uses aliases (the node-level path)', () => {
    const snapshot = snapshotOf(`${head}data:\n  a: &x \${constructor}\n  b: *x\n`, 'version: "1"\n');
    expect(renderOne(snapshot)).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'missing-key' })] });
  });

  it('resolves keys named like built-ins when the version file has them, as own properties', () => {
    const version = 'version: "1"\n__proto__: { polluted: yes }\nconstructor: ctor\nconfig: { toString: str }\n';
    const result = renderOne(snapshotOf(`${head}data:\n  p: \${__proto__}\n  c: \${constructor}\n  t: "\${config.toString}"\n`, version));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const data = result.manifests[0]?.['data'] as Record<string, YamlValue>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data).toEqual({ p: { polluted: 'yes' }, c: 'ctor', t: 'str' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps a __proto__ key of a version file and of a manifest an own property, never the prototype', () => {
    const snapshot = snapshotOf(`${head}data:\n  __proto__: { injected: $version }\n`, 'version: "1"\n__proto__: { admin: true }\n');
    const fields = snapshot.environments.get('dev')?.resources.get('app')?.version?.fields ?? {};
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    const result = renderOne(snapshot);
    const data = result.ok ? (result.manifests[0]?.['data'] as Record<string, YamlValue>) : undefined;
    expect(data && Object.hasOwn(data, '__proto__')).toBe(true);
    expect(data && Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(data && (data as Record<string, unknown>)['injected']).toBeUndefined();
  });

  it('fills a placeholder under a null key where the plain value has it', () => {
    const result = renderOne(snapshotOf(`${head}data:\n  ~: $version\n`, 'version: "7"\n'));
    expect(result.ok && result.manifests[0]?.['data']).toEqual({ '': '7' });
  });
});

describe('names that are JavaScript built-ins', () => {
  it('does not see a resource named constructor as locked', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c', { 'dev/deployable/constructor.yaml': head, 'dev/locks.yaml': 'resource_locks: {}\n' }));
    const locks = snapshot.environments.get('dev')?.locks;
    expect(locks && isLocked(locks, 'constructor')).toBe(false);
    expect(locks?.resourceReasons['constructor']).toBeUndefined();
  });

  it('finds no transition state for a transition named constructor, and never a prototype from __proto__', () => {
    const state = 'transitions:\n  __proto__: { nextRun: "2026-01-01T00:00:00Z" }\n';
    const snapshot = parseSnapshot(repoFilesFromText('c', { 'transition_state.yaml': state, 'dev/deployable/a.yaml': head }));
    expect(snapshot.transitionState['constructor']).toBeUndefined();
    expect(snapshot.transitionState['other']?.nextRun).toBeUndefined();
    expect(Object.keys(snapshot.transitionState)).toEqual(['__proto__']);
    const without = parseSnapshot(repoFilesFromText('c', { 'dev/deployable/a.yaml': head }));
    expect(without.transitionState['constructor']).toBeUndefined();
  });
});
