import { describe, expect, it } from 'vitest';
import { compileEncryptionRule, compileGoRegex, DEFAULT_ENCRYPTION_RULE } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';

describe('encryption rules', () => {
  it('by default encrypts all but paths through a key ending in _unencrypted', () => {
    const encrypted = compileEncryptionRule(DEFAULT_ENCRYPTION_RULE, 'f.yaml');
    expect(encrypted(['password'])).toBe(true);
    expect(encrypted(['host_unencrypted'])).toBe(false);
    expect(encrypted(['settings_unencrypted', 'region'])).toBe(false);
  });

  it('encrypted_regex selects a subtree by any key along the path', () => {
    const encrypted = compileEncryptionRule({ field: 'encrypted_regex', value: '^(data|stringData)$' }, 'f.yaml');
    expect(encrypted(['stringData', 'nested', 'deep'])).toBe(true);
    expect(encrypted(['data'])).toBe(true);
    expect(encrypted(['metadata', 'name'])).toBe(false);
    expect(encrypted(['metadata', 'data-owner'])).toBe(false);
  });

  it('encrypted_suffix and unencrypted_regex work the same way', () => {
    expect(compileEncryptionRule({ field: 'encrypted_suffix', value: '_secret' }, 'f')(['db', 'password_secret'])).toBe(true);
    expect(compileEncryptionRule({ field: 'encrypted_suffix', value: '_secret' }, 'f')(['db', 'host'])).toBe(false);
    expect(compileEncryptionRule({ field: 'unencrypted_regex', value: '^(apiVersion|kind|metadata)$' }, 'f')(['metadata', 'name'])).toBe(false);
    expect(compileEncryptionRule({ field: 'unencrypted_regex', value: '^(apiVersion|kind|metadata)$' }, 'f')(['data', 'x'])).toBe(true);
  });

  it('reads Go regex syntax: leading flags, named groups, \\A and \\z', () => {
    expect(compileGoRegex('(?i)^DATA$', 'f', 'encrypted_regex').test('data')).toBe(true);
    expect(compileGoRegex('\\A(?P<key>pass)\\z', 'f', 'encrypted_regex').test('pass')).toBe(true);
    expect(compileGoRegex('pass', 'f', 'encrypted_regex').test('my-password')).toBe(true);
  });

  it('names the file when a regex does not compile', () => {
    expect(() => compileGoRegex('(unclosed', 'secrets/app.yaml', 'encrypted_regex')).toThrow(SecretsError);
    try {
      compileGoRegex('(unclosed', 'secrets/app.yaml', 'encrypted_regex');
    } catch (error) {
      expect((error as SecretsError).code).toBe('bad-metadata');
      expect((error as SecretsError).data.file).toBe('secrets/app.yaml');
    }
  });
});
