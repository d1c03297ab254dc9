// Cascade's trailers are written in the order given and read back into the same fields and type.
import { describe, expect, it } from 'vitest';
import { formatCommitMessage, parseCommitMessage } from './commit-message.ts';
import { cascadeTrailers, commitTypeOf, isCommitType, readCascadeTrailers, trailerValues, TRAILER } from './trailers.ts';

describe('Cascade trailers', () => {
  it('writes the type first and the fields in the order given, skipping undefined ones', () => {
    expect(cascadeTrailers('Lock', { env: 'prod', resource: undefined, requestedBy: 'ops' })).toEqual([
      ['Cascade-Type', 'Lock'],
      ['Cascade-Env', 'prod'],
      ['Cascade-Requested-By', 'ops'],
    ]);
    expect(cascadeTrailers('Schedule', { transition: 'prod' })).toEqual([['Cascade-Type', 'Schedule'], ['Cascade-Transition', 'prod']]);
  });

  it('reads back through a commit message what it wrote', () => {
    const written = cascadeTrailers('Rollback', { resource: 'shop/cart', env: 'prod', version: '1.2.0', restoredFrom: 'a'.repeat(40), requestedBy: 'ops' });
    const { trailers } = parseCommitMessage(formatCommitMessage('Roll back shop/cart in prod to 1.2.0', written));
    expect(trailers).toEqual(written);
    expect(readCascadeTrailers(trailers)).toEqual({
      type: 'Rollback',
      env: ['prod'],
      resource: ['shop/cart'],
      version: ['1.2.0'],
      transition: [],
      source: [],
      target: [],
      restoredFrom: ['a'.repeat(40)],
      lockOverride: [],
      requestedBy: ['ops'],
      staging: [],
      action: [],
    });
  });

  it('reads back a staging commit', () => {
    const written = cascadeTrailers('Staging', { staging: 'feature-x', action: 'archive' });
    const { trailers } = parseCommitMessage(formatCommitMessage('Archive staging feature-x', written));
    expect(readCascadeTrailers(trailers)).toMatchObject({ type: 'Staging', staging: ['feature-x'], action: ['archive'] });
  });

  it('reads Schedule commits as Schedule, and a missing or unknown type as Manual', () => {
    expect(commitTypeOf(cascadeTrailers('Schedule', { transition: 'prod' }))).toBe('Schedule');
    expect(commitTypeOf([])).toBe('Manual');
    expect(commitTypeOf([['Signed-off-by', 'a person']])).toBe('Manual');
    expect(commitTypeOf([['Cascade-Type', 'Deploy']])).toBe('Manual');
    expect(isCommitType('Schedule')).toBe(true);
    expect(isCommitType('Deploy')).toBe(false);
  });

  it('compares keys case-insensitively as git does, trims values, and keeps repeated values in order', () => {
    const trailers: Array<[string, string]> = [['cascade-type', ' Version '], ['CASCADE-VERSION', '1.0'], ['Cascade-Version', '1.1'], ['Other', 'x']];
    expect(commitTypeOf(trailers)).toBe('Version');
    expect(trailerValues(trailers, 'version')).toEqual(['1.0', '1.1']);
    expect(readCascadeTrailers(trailers).env).toEqual([]);
  });

  it('names every key with the Cascade- prefix', () => {
    for (const key of Object.values(TRAILER)) expect(key).toMatch(/^Cascade-[A-Z][A-Za-z-]*$/);
  });
});
