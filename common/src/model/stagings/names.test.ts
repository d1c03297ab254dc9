import { describe, expect, it } from 'vitest';
import { createPrng } from '../../testing/prng.ts';
import { checkNamespacePattern, checkStagingName, DNS_LABEL, longestNameFor, stagingNameFromBranch, stagingNamespace } from './names.ts';

describe('stagingNameFromBranch', () => {
  it.each([
    ['feature/JIRA-12_Login', 'feature-jira-12-login'],
    ['refs/heads/fix/Typo', 'fix-typo'],
    ['--Hello__World--', 'hello-world'],
    ['release/2.0.1', 'release-2-0-1'],
    ['ÄÖÜ/straße', 'stra-e'],
  ])('%s → %s', (branch, name) => {
    expect(stagingNameFromBranch(branch)).toBe(name);
  });

  it('has nothing for a branch without letters or digits', () => {
    expect(stagingNameFromBranch('///')).toBeUndefined();
    expect(stagingNameFromBranch('_-_')).toBeUndefined();
  });

  it('cuts long names with a hash, so two long branches sharing a beginning stay apart', () => {
    const shared = `feature/${'very-long-description-of-the-work'.repeat(3)}`;
    const a = stagingNameFromBranch(`${shared}-part-one`)!;
    const b = stagingNameFromBranch(`${shared}-part-two`)!;
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(stagingNameFromBranch(`${shared}-part-one`)).toBe(a);
    expect(stagingNameFromBranch(`${shared}-part-one`, 20)!.length).toBeLessThanOrEqual(20);
  });

  it('always yields a valid staging name within the bound, for any branch (fuzz)', () => {
    const rng = createPrng(7);
    const alphabet = 'abcXYZ019/_-.ä@ \t\u2028';
    for (let i = 0; i < 2000; i++) {
      const branch = Array.from({ length: rng.int(120) }, () => alphabet[rng.int(alphabet.length)]).join('');
      const max = 5 + rng.int(59);
      const name = stagingNameFromBranch(branch, max);
      if (name === undefined) continue;
      expect(checkStagingName(name)).toBeUndefined();
      expect(name.length).toBeLessThanOrEqual(max);
    }
  });
});

describe('checkStagingName', () => {
  it('accepts DNS labels and refuses the rest', () => {
    expect(checkStagingName('feature-x')).toBeUndefined();
    expect(checkStagingName('Feature')).toMatch(/DNS label/);
    expect(checkStagingName('a_b')).toMatch(/DNS label/);
    expect(checkStagingName('-a')).toMatch(/DNS label/);
    expect(checkStagingName('a'.repeat(64))).toMatch(/longer than 63/);
  });
});

describe('namespaces', () => {
  it('refuses patterns without {name}, with odd characters, or in kube-', () => {
    expect(checkNamespacePattern('shop-{name}')).toBeUndefined();
    expect(checkNamespacePattern('shop')).toMatch(/\{name\}/);
    expect(checkNamespacePattern('Shop-{name}')).toMatch(/only lower-case/);
    expect(checkNamespacePattern('kube-{name}')).toMatch(/kube-/);
  });

  it('refuses namespaces that are too long or belong to Kubernetes', () => {
    expect(stagingNamespace('shop-{name}', 'x')).toEqual({ namespace: 'shop-x' });
    expect(stagingNamespace('{name}', 'default')).toHaveProperty('problem');
    expect(stagingNamespace('{name}', 'kube-system')).toHaveProperty('problem');
    expect(stagingNamespace('shop-{name}', 'a'.repeat(60))).toHaveProperty('problem');
  });

  it('leaves room for the longest name the pattern allows', () => {
    const longest = longestNameFor('shop-{name}');
    expect(longest).toBe(58);
    const result = stagingNamespace('shop-{name}', 'a'.repeat(longest));
    expect('namespace' in result && DNS_LABEL.test(result.namespace)).toBe(true);
    expect(longestNameFor(undefined)).toBe(63);
  });
});
