import { describe, expect, it } from 'vitest';
import type { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';

const FILE = '/etc/cascade/cascade.yaml';
const REPO = 'repo: { url: ../remote.git }\n';

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(REPO + text, { file: FILE, env, home: '/home/ann' });
}

describe('secrets section', () => {
  it('has no identity files by default', () => {
    expect(parse('').secrets).toEqual({ ageIdentityFiles: [] });
  });

  it('takes one path or a list, resolved like every path of the config', () => {
    expect(parse('secrets: { ageIdentityFile: ~/age.key }\n').secrets).toEqual({ ageIdentityFiles: ['/home/ann/age.key'] });
    expect(parse('secrets:\n  ageIdentityFile: [keys/new.key, /secure/old.key]\n').secrets).toEqual({ ageIdentityFiles: ['/etc/cascade/keys/new.key', '/secure/old.key'] });
  });

  it('takes a single path from CASCADE_SECRETS_AGEIDENTITYFILE', () => {
    expect(parse('', { CASCADE_SECRETS_AGEIDENTITYFILE: '/run/secrets/age.key' }).secrets).toEqual({ ageIdentityFiles: ['/run/secrets/age.key'] });
  });

  it('reports unknown keys and entries that are not paths, with their place', () => {
    const error = (() => {
      try {
        parse('secrets:\n  ageIdentityFile: [{ a: 1 }]\n  ageKey: AGE-SECRET-KEY-1XYZ\n');
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => [p.code, p.path])).toEqual([
      ['invalid-value', 'secrets.ageIdentityFile[0]'],
      ['unknown-key', 'secrets.ageKey'],
    ]);
    // A private key pasted into the config is not repeated in the error.
    expect(error.message).not.toContain('AGE-SECRET-KEY');
  });
});
