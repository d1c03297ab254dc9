// Cascade and the real sops CLI read each other's files: the format is sops's, byte for byte where it matters.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { creationRuleFor, decryptSopsYaml, encryptSopsYaml, parseAgeIdentities, parseCreationRules } from './index.ts';
import type { AgeIdentity } from './index.ts';
import { expectedDocuments, fixture } from './testing/fixtures.ts';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from './testing/sops-cli.ts';
import type { GeneratedKey, SopsCli } from './testing/sops-cli.ts';

const NOW = new Date('2026-05-06T07:08:09Z');
const DATA_REGEX = '^(data|stringData)$';

let sops: SopsCli;
let key: GeneratedKey;
let identities: AgeIdentity[];

beforeAll(async () => {
  sops = await sopsCli();
  key = await sops.keygen();
  identities = await parseAgeIdentities(key.identityFile, 'keys.txt');
}, TOOLS_BUILD_TIMEOUT_MS);

/** The sops block of an encrypted file, parsed. */
function sopsBlock(encrypted: string): Record<string, unknown> {
  return (parseAllDocuments(encrypted) as { toJS(): Record<string, unknown> }[])[0]!.toJS().sops as Record<string, unknown>;
}

const CASES = [
  { name: 'a Kubernetes Secret with encrypted_regex', file: 'kubernetes-secret.yaml', flags: ['--encrypted-regex', DATA_REGEX], rule: { field: 'encrypted_regex', value: DATA_REGEX } },
  { name: 'a version file with nested keys and encrypted_regex', file: 'version-file.yaml', flags: ['--encrypted-regex', DATA_REGEX], rule: { field: 'encrypted_regex', value: DATA_REGEX } },
  { name: 'every scalar type under the default rule', file: 'typed-values.yaml', flags: [], rule: undefined },
] as const;

describe('sops encrypts, Cascade decrypts', () => {
  it.each(CASES)('$name', async ({ file, flags }) => {
    const plain = fixture(file);
    const encrypted = await sops.encrypt(plain, ['--age', key.recipient, ...flags]);
    const decrypted = await decryptSopsYaml(encrypted, { file, identities });
    expect(decrypted.documents).toEqual(expectedDocuments(plain));
    expect(decrypted.recipients).toEqual([key.recipient]);
  });

  it('reads a multi-document file and ignores the comments sops encrypted', async () => {
    const plain = `# secret comment\na: one # inline\n---\nb:\n  c: 2\n`;
    const encrypted = await sops.encrypt(plain, ['--age', key.recipient]);
    expect(encrypted).toContain('#ENC[AES256_GCM');
    expect((await decryptSopsYaml(encrypted, { file: 'multi.yaml', identities })).documents).toEqual([{ a: 'one' }, { b: { c: 2 } }]);
  });

  it('honours mac_only_encrypted', async () => {
    const plain = fixture('kubernetes-secret.yaml');
    // sops sets it only from a creation rule; there is no command-line flag.
    const sopsYaml = `creation_rules:\n  - age: ${key.recipient}\n    encrypted_regex: "${DATA_REGEX}"\n    mac_only_encrypted: true\n`;
    const encrypted = await sops.encryptWithConfig(plain, sopsYaml, 'secret.yaml');
    expect(sopsBlock(encrypted).mac_only_encrypted).toBe(true);
    expect((await decryptSopsYaml(encrypted, { file: 'secret.yaml', identities })).documents).toEqual(expectedDocuments(plain));
  });
});

describe('Cascade encrypts, sops decrypts', () => {
  it.each(CASES)('$name', async ({ file, rule }) => {
    const plain = fixture(file);
    const encrypted = await encryptSopsYaml(plain, { file, recipients: [key.recipient], rule, now: NOW });
    expect(encrypted).not.toContain('hunter2');
    expect(encrypted).not.toContain('s3cr3t-p4ss');
    expect(expectedDocuments(await sops.decrypt(encrypted, key.identityFile))).toEqual(expectedDocuments(plain));
    expect((await decryptSopsYaml(encrypted, { file, identities })).documents).toEqual(expectedDocuments(plain));
  });

  it('writes the sops block sops writes: lastmodified, rule, version', async () => {
    const encrypted = await encryptSopsYaml(fixture('kubernetes-secret.yaml'), {
      file: 'secret.yaml',
      recipients: [key.recipient],
      rule: { field: 'encrypted_regex', value: DATA_REGEX },
      now: NOW,
    });
    const block = sopsBlock(encrypted);
    expect(block).toMatchObject({ lastmodified: '2026-05-06T07:08:09Z', encrypted_regex: DATA_REGEX, version: '3.13.3' });
    const bySops = sopsBlock(await sops.encrypt(fixture('kubernetes-secret.yaml'), ['--age', key.recipient, '--encrypted-regex', DATA_REGEX]));
    expect(Object.keys(block)).toEqual(Object.keys(bySops));
    expect(Object.keys((block.age as object[])[0]!)).toEqual(Object.keys((bySops.age as object[])[0]!));
  });

  it('keeps values under an _unencrypted key in plain text, for sops and for Cascade', async () => {
    const plain = fixture('typed-values.yaml');
    const byCascade = await encryptSopsYaml(plain, { file: 'typed.yaml', recipients: [key.recipient], now: NOW });
    const bySops = await sops.encrypt(plain, ['--age', key.recipient]);
    for (const encrypted of [byCascade, bySops]) {
      expect(encrypted).toContain('host_unencrypted: db.internal');
      expect(encrypted).toContain('region: eu-west-1');
      expect(encrypted).not.toContain('hunter2');
    }
    expect(expectedDocuments(await sops.decrypt(byCascade, key.identityFile))).toEqual(expectedDocuments(plain));
  });

  it('writes mac_only_encrypted files sops accepts', async () => {
    const plain = fixture('version-file.yaml');
    const encrypted = await encryptSopsYaml(plain, { file: 'v.yaml', recipients: [key.recipient], rule: { field: 'encrypted_regex', value: DATA_REGEX }, macOnlyEncrypted: true, now: NOW });
    expect(expectedDocuments(await sops.decrypt(encrypted, key.identityFile))).toEqual(expectedDocuments(plain));
  });

  it('writes multi-document files sops reads', async () => {
    const plain = 'a: one\n---\nb:\n  c: 2\n';
    const encrypted = await encryptSopsYaml(plain, { file: 'multi.yaml', recipients: [key.recipient], now: NOW });
    expect(expectedDocuments(await sops.decrypt(encrypted, key.identityFile))).toEqual([{ a: 'one' }, { b: { c: 2 } }]);
  });
});

describe('timestamps, which sops types as Go times', () => {
  it('agrees with sops on an unquoted timestamp, encrypted or plain', async () => {
    const plain = 'expires: 2026-12-31\nrotated_unencrypted: 2026-01-02 03:04:05\nquoted: "2026-01-02"\n';
    // sops rewrites every unquoted timestamp in Go's RFC 3339 form, plain ones included.
    const expected = [{ expires: '2026-12-31T00:00:00Z', rotated_unencrypted: '2026-01-02T03:04:05Z', quoted: '2026-01-02' }];
    const bySops = await sops.encrypt(plain, ['--age', key.recipient]);
    expect(bySops).toContain('type:time]');
    expect((await decryptSopsYaml(bySops, { file: 'times.yaml', identities })).documents).toEqual(expected);
    const byCascade = await encryptSopsYaml(plain, { file: 'times.yaml', recipients: [key.recipient], now: NOW });
    expect(byCascade).toContain('type:time]');
    expect(byCascade).toContain('lastmodified: "2026-05-06T07:08:09Z"');
    expect(expectedDocuments(await sops.decrypt(byCascade, key.identityFile))).toEqual(expected);
    // Cascade keeps a plain value as written, so its own reading shows the original text.
    expect((await decryptSopsYaml(byCascade, { file: 'times.yaml', identities })).documents).toEqual([{ ...expected[0], rotated_unencrypted: '2026-01-02 03:04:05' }]);
  });
});

describe('.sops.yaml creation rules agree with sops', () => {
  it('picks the recipients and the rule sops picks for a path', async () => {
    const other = await sops.keygen();
    const sopsYaml = [
      'creation_rules:',
      '  - path_regex: ^prod/',
      `    age: ${other.recipient}`,
      '  - path_regex: \\.secret\\.yaml$',
      `    encrypted_regex: "${DATA_REGEX}"`,
      `    age: ${key.recipient},${other.recipient}`,
      '',
    ].join('\n');
    const plain = fixture('kubernetes-secret.yaml');
    const bySops = sopsBlock(await sops.encryptWithConfig(plain, sopsYaml, 'payment.secret.yaml'));
    const rule = creationRuleFor(parseCreationRules(sopsYaml, '.sops.yaml'), 'payment.secret.yaml', '.sops.yaml');
    expect(rule.recipients).toEqual((bySops.age as { recipient: string }[]).map((entry) => entry.recipient));
    expect(rule.rule).toEqual({ field: 'encrypted_regex', value: bySops.encrypted_regex });
    const byCascade = await encryptSopsYaml(plain, { ...rule, file: 'payment.secret.yaml', now: NOW });
    expect(expectedDocuments(await sops.decrypt(byCascade, other.identityFile))).toEqual(expectedDocuments(plain));
  });
});
