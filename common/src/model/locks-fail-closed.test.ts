// A locks.yaml Cascade cannot read counts as locked: a broken file must stop promotions, not wave them through.
import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import { isLocked, parseLocksFile } from './locks.ts';
import { parseSnapshot } from './snapshot.ts';

const FILE = 'prod/locks.yaml';

describe('locks.yaml fails closed', () => {
  it.each([
    ['a YAML syntax error', 'env_lock: { reasons: ["freeze"\n'],
    ['a list instead of a map', '- freeze\n'],
    ['env_lock not { reasons }', 'env_lock: freeze until Monday\n'],
    ['resource_locks not a map', 'resource_locks: [shop/cart]\n'],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join('\n')}\n`],
  ])('locks the whole environment on %s, saying which file to fix', (_what, text) => {
    const { locks, problems } = parseLocksFile(FILE, text);
    expect(problems.length).toBeGreaterThan(0);
    expect(isLocked(locks)).toBe(true);
    expect(locks.envReasons[0]).toContain(FILE);
  });

  it('locks only the resource whose entry is malformed, and keeps the reasons that are text', () => {
    const { locks } = parseLocksFile(FILE, 'resource_locks:\n  shop/cart: incident\n  shop/search: { reasons: [42, "slow"] }\n');
    expect([isLocked(locks), isLocked(locks, 'shop/cart'), isLocked(locks, 'payments')]).toEqual([false, true, false]);
    expect(locks.resourceReasons['shop/search']).toEqual(['slow', expect.stringContaining('shop/search.reasons')]);
  });

  it('reads a well-formed file exactly as before', () => {
    const { locks, problems } = parseLocksFile(FILE, 'env_lock: { reasons: [] }\nresource_locks:\n  shop/cart: { reasons: [incident 4711] }\n');
    expect([problems, isLocked(locks), locks.resourceReasons['shop/cart']]).toEqual([[], false, ['incident 4711']]);
  });

  it('locks an environment whose locks.yaml is a symlink or over the read bound, in the snapshot every service reads', () => {
    const repo = repoFilesFromText('c1', { 'prod/version/a.yaml': 'version: "1"\n', 'prod/base/a.yaml': 'kind: ConfigMap\n', 'pp/version/a.yaml': 'version: "1"\n', 'pp/base/a.yaml': 'kind: ConfigMap\n' });
    repo.files.set('prod/locks.yaml', { path: 'prod/locks.yaml', kind: 'symlink', oid: '0'.repeat(40), size: 10 });
    repo.files.set('pp/locks.yaml', { path: 'pp/locks.yaml', kind: 'file', oid: '1'.repeat(40), size: 6 * 1024 * 1024 });
    const snapshot = parseSnapshot(repo);
    for (const env of ['prod', 'pp']) {
      expect(isLocked(snapshot.environments.get(env)!.locks)).toBe(true);
      expect(snapshot.environments.get(env)!.locks.envReasons[0]).toContain(`${env}/locks.yaml`);
    }
    expect(snapshot.problems.filter((p) => p.file.endsWith('locks.yaml')).map((p) => p.code).sort()).toEqual(['symlink', 'too-large']);
  });
});
