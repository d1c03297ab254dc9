import { describe, expect, it } from 'vitest';
import { creationRuleFor, parseCreationRules } from './creation-rules.ts';
import { SecretsError } from './errors.ts';

const R1 = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const R2 = 'age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg';

const SOPS_YAML = `
creation_rules:
  - path_regex: secrets/prod/.*
    age: ${R1}
  - path_regex: \\.secret\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: " ${R1} , ${R2} ,"
  - path_regex: grouped/
    key_groups:
      - age:
          - ${R2}
  - path_regex: pgp-only/
    pgp: 85D77543B3D624B63CEA9E6DBC17301B491B3F21
  - age:
      - ${R2}
`;

describe('.sops.yaml creation rules', () => {
  const rules = parseCreationRules(SOPS_YAML, '.sops.yaml');

  it('picks the first rule whose path_regex matches, unanchored', () => {
    expect(creationRuleFor(rules, 'secrets/prod/db.yaml', '.sops.yaml')).toMatchObject({ recipients: [R1], rule: undefined });
    expect(creationRuleFor(rules, 'apps/payment/api.secret.yaml', '.sops.yaml')).toMatchObject({
      recipients: [R1, R2],
      rule: { field: 'encrypted_regex', value: '^(data|stringData)$' },
    });
  });

  it('reads recipients from a single key group', () => {
    expect(creationRuleFor(rules, 'grouped/x.yaml', '.sops.yaml').recipients).toEqual([R2]);
  });

  it('falls back to a rule without path_regex', () => {
    expect(creationRuleFor(rules, 'anything/else.yaml', '.sops.yaml').recipients).toEqual([R2]);
  });

  it('refuses a matching rule without age recipients, naming the path', () => {
    expect(() => creationRuleFor(rules, 'pgp-only/x.yaml', '.sops.yaml')).toThrow(/pgp-only\/x\.yaml/);
  });

  it('refuses when no rule matches', () => {
    const only = parseCreationRules(`creation_rules:\n  - path_regex: ^a/\n    age: ${R1}\n`, '.sops.yaml');
    expect(() => creationRuleFor(only, 'b/x.yaml', '.sops.yaml')).toThrowError(expect.objectContaining({ code: 'no-creation-rule' }) as Error);
  });

  it('refuses several key groups and malformed entries', () => {
    const shamir = `creation_rules:\n  - key_groups:\n      - age: [${R1}]\n      - age: [${R2}]\n`;
    expect(() => parseCreationRules(shamir, '.sops.yaml')).toThrowError(expect.objectContaining({ code: 'unsupported' }) as Error);
    for (const text of ['creation_rules: 5\n', 'creation_rules:\n  - 5\n', 'creation_rules:\n  - path_regex: "("\n', 'creation_rules:\n  - age: 5\n']) {
      expect(() => parseCreationRules(text, '.sops.yaml'), text).toThrow(SecretsError);
    }
  });

  it('has no rules when the file has no creation_rules', () => {
    expect(parseCreationRules('stores:\n  yaml:\n    indent: 2\n', '.sops.yaml')).toEqual([]);
  });
});
