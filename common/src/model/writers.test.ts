import { describe, expect, it } from 'vitest';
import { addLockReason, removeLockReason, writeTransitionState, writeVersionFile, UneditableFileError } from './writers.ts';
import { parseLocksFile } from './locks.ts';
import { parseVersionFile } from './version-file.ts';

describe('writeVersionFile', () => {
  it('changes only the version line and keeps comments and other keys', () => {
    const before = '# owned by team shop\nversion: "1.0" # bumped by CI\nimage: reg/cart:1.0\nreplicas: 2\n';
    const after = writeVersionFile(before, '1.1', { image: 'reg/cart:1.1' });
    expect(after).toBe('# owned by team shop\nversion: "1.1" # bumped by CI\nimage: reg/cart:1.1\nreplicas: 2\n');
  });

  it('creates a new file that parses back', () => {
    const text = writeVersionFile(undefined, '2.0', { config: { a: 'b' }, replicas: 3 });
    expect(parseVersionFile('v.yaml', text).data).toEqual({ version: '2.0', fields: { version: '2.0', config: { a: 'b' }, replicas: 3 } });
  });

  it('quotes a version that would otherwise read as a number', () => {
    expect(parseVersionFile('v.yaml', writeVersionFile(undefined, '1.10')).data?.version).toBe('1.10');
  });

  it('escapes line separators and bidi controls, quotes what YAML 1.1 would type, and leaves untouched lines as written', () => {
    const text = writeVersionFile('version: "1"\non: yes # a person wrote this\n', '2', { image: 'x\u2028kind: Secret', note: 'a\u202eb', enabled: 'yes' });
    expect(text).toBe('version: "2"\non: yes # a person wrote this\nimage: "x\\u2028kind: Secret"\nnote: "a\\u202eb"\nenabled: "yes"\n');
    expect(parseVersionFile('v.yaml', text).data?.fields).toEqual({ version: '2', on: 'yes', image: 'x\u2028kind: Secret', note: 'a\u202eb', enabled: 'yes' });
  });

  it('refuses to rewrite a broken file', () => {
    expect(() => writeVersionFile('version: [', '1')).toThrow(UneditableFileError);
  });
});

describe('lock writers', () => {
  const locks = '# freeze rules: ask #releases\nenv_lock: { reasons: ["release freeze"] }\n';

  it('adds an env reason and a resource reason, keeping the comment', () => {
    const text = addLockReason(addLockReason(locks, 'audit'), 'incident 4711', 'shop/cart');
    expect(text.startsWith('# freeze rules: ask #releases\n')).toBe(true);
    expect(parseLocksFile('l', text).locks).toEqual({ envReasons: ['release freeze', 'audit'], resourceReasons: { 'shop/cart': ['incident 4711'] } });
  });

  it('does not repeat a reason', () => {
    expect(addLockReason(locks, 'release freeze')).toBe(locks);
  });

  it('leaves long lines of other reasons unfolded, so removing a reason never grows the file', () => {
    const long = `"incident 2 ${'x'.repeat(120)}"`;
    const text = `env_lock:\n  reasons:\n    - "incident 1"\n    - ${long}\n`;
    const after = removeLockReason(text, 'incident 1');
    expect(after).toBe(`env_lock:\n  reasons:\n    - ${long}\n`);
  });

  it('removes one reason, then the whole entry', () => {
    const two = addLockReason(undefined, 'a', 'web');
    const both = addLockReason(two, 'b', 'web');
    expect(parseLocksFile('l', removeLockReason(both, 'a', 'web')).locks.resourceReasons).toEqual({ web: ['b'] });
    expect(parseLocksFile('l', removeLockReason(both, undefined, 'web')).locks).toEqual({ envReasons: [], resourceReasons: {} });
    expect(parseLocksFile('l', removeLockReason(locks)).locks.envReasons).toEqual([]);
    expect(removeLockReason(locks)).toBe('');
  });
});

describe('writeTransitionState', () => {
  it('updates one transition and leaves the others', () => {
    const before = 'transitions:\n  prod: { nextRun: "2026-01-05T05:00:00.000Z" }\n';
    const after = writeTransitionState(before, 'pp', { lastRun: '2026-01-04T00:00:00.000Z' });
    expect(after).toContain('prod: { nextRun: "2026-01-05T05:00:00.000Z" }');
    expect(after).toContain('pp');
  });
});
