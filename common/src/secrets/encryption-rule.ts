// Which values of a SOPS file are encrypted: SOPS's four key rules, checked the way sops checks them.
import { SecretsError } from './errors.ts';

/** The metadata fields that choose encrypted keys; a file uses at most one. */
export const RULE_FIELDS = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const;

/** One of RULE_FIELDS, spelled as in the `sops:` block and in `.sops.yaml`. */
export type RuleField = (typeof RULE_FIELDS)[number];

/** Which values are encrypted, e.g. `{ field: 'encrypted_regex', value: '^(data|stringData)$' }`. */
export interface EncryptionRule {
  field: RuleField;
  value: string;
}

/** What sops applies when a file names no rule: everything is encrypted except keys ending in `_unencrypted`. */
export const DEFAULT_ENCRYPTION_RULE: EncryptionRule = { field: 'unencrypted_suffix', value: '_unencrypted' };

/** Longest rule regex accepted; they are short alternations in practice, and JavaScript regexes can backtrack. */
const MAX_REGEX_LENGTH = 1024;

/** Decides, for a value's key path (map keys only, list indices are not part of it), whether it is encrypted. */
export type EncryptionPredicate = (path: readonly string[]) => boolean;

/** Compiles a rule; a regex that does not compile is a SecretsError naming `file`. */
export function compileEncryptionRule(rule: EncryptionRule, file: string): EncryptionPredicate {
  switch (rule.field) {
    // As in sops: a rule matches when ANY key along the path matches, not just the leaf's own key.
    case 'unencrypted_suffix':
      return (path) => !path.some((key) => key.endsWith(rule.value));
    case 'encrypted_suffix':
      return (path) => path.some((key) => key.endsWith(rule.value));
    case 'unencrypted_regex': {
      const regex = compileGoRegex(rule.value, file, rule.field);
      return (path) => !path.some((key) => regex.test(key));
    }
    case 'encrypted_regex': {
      const regex = compileGoRegex(rule.value, file, rule.field);
      return (path) => path.some((key) => regex.test(key));
    }
  }
}

/**
 * Compiles a Go (RE2) regex as a JavaScript one: leading flag groups like `(?i)` become flags, `(?P<name>` becomes
 * `(?<name>`, `\A` and `\z` become `^` and `$`. Unanchored, as Go's regexp.Match is.
 */
export function compileGoRegex(source: string, file: string, field: string): RegExp {
  if (source.length > MAX_REGEX_LENGTH) throw new SecretsError('bad-metadata', { file, detail: `${field} is longer than ${MAX_REGEX_LENGTH} characters` });
  let pattern = source;
  let flags = '';
  const flagGroup = /^\(\?([imsU]+)\)/.exec(pattern);
  if (flagGroup) {
    if (flagGroup[1]!.includes('U')) throw new SecretsError('unsupported', { file, detail: `${field} uses the Go-only flag U` });
    flags = flagGroup[1]!;
    pattern = pattern.slice(flagGroup[0].length);
  }
  pattern = pattern.replaceAll('(?P<', '(?<').replaceAll('\\A', '^').replaceAll('\\z', '$');
  for (const unicode of ['u', '']) {
    try {
      return new RegExp(pattern, flags + unicode);
    } catch {
      // Try without the unicode flag: it rejects escapes like `\-` that Go accepts.
    }
  }
  throw new SecretsError('bad-metadata', { file, detail: `${field} is not a regular expression JavaScript can compile` });
}
