// The pure half of a write: path checks and in-memory application of an edit.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { blobId, repoFilesFromText } from '../repo/files.ts';
import { InvalidEditPathError } from './errors.ts';
import { applyChanges, checkEditPath } from './tree-edit.ts';

describe('checkEditPath', () => {
  it.each([
    ['', 'empty'],
    ['..', '".."'],
    ['a/./b', '"."'],
    ['/abs', 'absolute'],
    ['C:/x', 'absolute'],
    ['a\\b', 'backslash'],
    ['a\nb', 'line break'],
    ['a\0b', 'NUL'],
    ['.GIT/hooks/x', '.git'],
  ])('refuses %j naming the reason', (path, reason) => {
    expect(() => checkEditPath(path)).toThrow(InvalidEditPathError);
    expect(() => checkEditPath(path)).toThrow(reason);
  });

  it('accepts ordinary repo paths', () => {
    expect(checkEditPath('dev/version/shop/cart.yaml')).toBe('dev/version/shop/cart.yaml');
  });
});

describe('applyChanges', () => {
  const current = repoFilesFromText('c1', { 'a/x.yaml': 'x', 'a/y.yaml': 'y', 'b.txt': 'b' });

  it('yields no operation for identical content or deleting what is absent', () => {
    expect(applyChanges(current, { 'a/x.yaml': 'x', 'missing.txt': null }).operations).toEqual([]);
  });

  it('deletes folders recursively and replaces a file by a folder', () => {
    const applied = applyChanges(current, { a: null, 'b.txt/inner': 'i' });
    expect([...applied.files.keys()]).toEqual(['b.txt/inner']);
    expect(applied.operations.map((op) => `${op.op} ${op.path}`)).toEqual(['delete a', 'modify b.txt/inner']);
  });

  it('computes the same blob ids as git', () => {
    const id = execFileSync('git', ['hash-object', '--stdin'], { input: 'hello\n', encoding: 'utf8' }).trim();
    expect(blobId(new TextEncoder().encode('hello\n'))).toBe(id);
  });
});
