// A changed SOPS file is refused with an error that names the file and what failed, and never shows a value.
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { decryptSopsYaml, encryptSopsYaml, parseAgeIdentities, SecretsError } from './index.ts';
import type { AgeIdentity } from './index.ts';
import { expectedDocuments, fixture } from './testing/fixtures.ts';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from './testing/sops-cli.ts';
import type { GeneratedKey, SopsCli } from './testing/sops-cli.ts';

const FILE = 'apps/payment-api/secret.yaml';
const PLAINTEXTS = ['s3cr3t-p4ss', 'psp.example', 'c2VjcmV0LWtleS0xMjM0NQ=='];

let sops: SopsCli;
let key: GeneratedKey;
let identities: AgeIdentity[];
let encrypted: string;

beforeAll(async () => {
  sops = await sopsCli();
  key = await sops.keygen();
  identities = await parseAgeIdentities(key.identityFile, 'keys.txt');
  encrypted = await sops.encrypt(fixture('kubernetes-secret.yaml'), ['--age', key.recipient, '--encrypted-regex', '^(data|stringData)$']);
}, TOOLS_BUILD_TIMEOUT_MS);

/** The file with one edit applied through the yaml library. */
function edit(text: string, change: (document: Document) => void): string {
  const document = parseDocument(text);
  change(document);
  return document.toString({ lineWidth: 0 });
}

/** An ENC[…] value with one bit of its `field` (data, iv or tag) flipped. */
function flipBit(value: string, field: 'data' | 'iv' | 'tag'): string {
  return value.replace(new RegExp(`${field}:([^,]+),`), (_, base64: string) => {
    const bytes = Buffer.from(base64, 'base64');
    bytes[0]! ^= 0x01;
    return `${field}:${bytes.toString('base64')},`;
  });
}

/** The SecretsError decrypting `text` fails with; checks that its message names the file and shows no plaintext. */
async function failure(text: string, ids: readonly AgeIdentity[] = identities): Promise<SecretsError> {
  const error = await decryptSopsYaml(text, { file: FILE, identities: ids }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SecretsError);
  const message = (error as SecretsError).message;
  expect(message).toContain(FILE);
  for (const plaintext of PLAINTEXTS) expect(message).not.toContain(plaintext);
  return error as SecretsError;
}

describe('tampered files', () => {
  it('decrypts the untouched file', async () => {
    expect((await decryptSopsYaml(encrypted, { file: FILE, identities })).documents).toEqual(expectedDocuments(fixture('kubernetes-secret.yaml')));
  });

  it.each(['data', 'iv', 'tag'] as const)('refuses a value with a flipped bit in its %s, naming the key path', async (field) => {
    const changed = edit(encrypted, (d) => d.setIn(['stringData', 'DATABASE_URL'], flipBit(d.getIn(['stringData', 'DATABASE_URL']) as string, field)));
    expect(await failure(changed)).toMatchObject({ code: 'value-tampered', data: { file: FILE, path: 'stringData.DATABASE_URL' } });
    await expect(sops.decrypt(changed, key.identityFile)).rejects.toThrow();
  });

  it('refuses a value moved to another key', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['data', 'api-key'], d.getIn(['data', 'tls.crt'])));
    expect(await failure(changed)).toMatchObject({ code: 'value-tampered', data: { path: 'data.api-key' } });
  });

  it('refuses a plain value where an encrypted one belongs', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['stringData', 'DATABASE_URL'], 'postgres://attacker'));
    expect(await failure(changed)).toMatchObject({ code: 'bad-value', data: { path: 'stringData.DATABASE_URL' } });
  });

  it('refuses a changed plain value through the MAC', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['metadata', 'namespace'], 'other'));
    expect(await failure(changed)).toMatchObject({ code: 'mac-mismatch' });
    await expect(sops.decrypt(changed, key.identityFile)).rejects.toThrow(/MAC mismatch/);
  });

  it('refuses a removed or added value through the MAC', async () => {
    expect(await failure(edit(encrypted, (d) => d.deleteIn(['data', 'api-key'])))).toMatchObject({ code: 'mac-mismatch' });
    expect(await failure(edit(encrypted, (d) => d.setIn(['metadata', 'labels', 'extra'], 'x'))).then((e) => e.code)).toBe('mac-mismatch');
  });

  it('refuses a MAC with a flipped bit', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['sops', 'mac'], flipBit(d.getIn(['sops', 'mac']) as string, 'data')));
    expect(await failure(changed)).toMatchObject({ code: 'mac-mismatch' });
    await expect(sops.decrypt(changed, key.identityFile)).rejects.toThrow();
  });

  it('refuses a changed lastmodified, which the MAC is bound to', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['sops', 'lastmodified'], '2020-01-01T00:00:00Z'));
    expect(await failure(changed)).toMatchObject({ code: 'mac-mismatch' });
  });

  it('refuses an emptied or removed MAC', async () => {
    expect(await failure(edit(encrypted, (d) => d.setIn(['sops', 'mac'], '')))).toMatchObject({ code: 'mac-missing' });
    expect(await failure(edit(encrypted, (d) => d.deleteIn(['sops', 'mac'])))).toMatchObject({ code: 'mac-missing' });
  });

  it('refuses a file without its sops block', async () => {
    expect(await failure(edit(encrypted, (d) => d.delete('sops')))).toMatchObject({ code: 'not-encrypted' });
  });

  it('names the recipient needed when the identity is wrong', async () => {
    const stranger = await parseAgeIdentities((await sops.keygen()).identityFile, 'other.txt');
    const error = await failure(encrypted, stranger);
    expect(error).toMatchObject({ code: 'no-matching-identity', data: { file: FILE, recipients: [key.recipient] } });
    expect(error.message).toContain(key.recipient);
  });

  it('refuses a damaged data-key stanza like a wrong identity', async () => {
    const changed = edit(encrypted, (d) => d.setIn(['sops', 'age', 0, 'enc'], '-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n'));
    expect(await failure(changed)).toMatchObject({ code: 'no-matching-identity' });
  });

  it('refuses values encrypted under another data key, even with a recomputed layout', async () => {
    const other = await encryptSopsYaml(fixture('kubernetes-secret.yaml'), { file: FILE, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^(data|stringData)$' }, now: new Date() });
    const foreign = parseDocument(other).getIn(['stringData', 'DATABASE_URL']) as string;
    const changed = edit(encrypted, (d) => d.setIn(['stringData', 'DATABASE_URL'], foreign));
    expect(await failure(changed)).toMatchObject({ code: 'value-tampered' });
  });
});

describe('several identities (key rotation)', () => {
  it('decrypts with whichever identity matches a recipient, in any order', async () => {
    const [current, next, stranger] = [key, await sops.keygen(), await sops.keygen()];
    const both = await sops.encrypt(fixture('version-file.yaml'), ['--age', `${current.recipient},${next.recipient}`, '--encrypted-regex', '^(data|stringData)$']);
    const expected = expectedDocuments(fixture('version-file.yaml'));
    for (const files of [[current], [next], [stranger, next], [next, current]]) {
      const ids = (await Promise.all(files.map((f) => parseAgeIdentities(f.identityFile, 'keys.txt')))).flat();
      const decrypted = await decryptSopsYaml(both, { file: FILE, identities: ids });
      expect(decrypted.documents).toEqual(expected);
      expect(decrypted.recipients).toEqual([current.recipient, next.recipient]);
    }
  });

  it('re-encrypted to the new recipient only, the old identity no longer opens it', async () => {
    const next = await sops.keygen();
    const nextIds = await parseAgeIdentities(next.identityFile, 'next.txt');
    const { documents } = await decryptSopsYaml(encrypted, { file: FILE, identities });
    const rotated = await encryptSopsYaml(fixture('kubernetes-secret.yaml'), { file: FILE, recipients: [next.recipient], rule: { field: 'encrypted_regex', value: '^(data|stringData)$' }, now: new Date() });
    expect((await decryptSopsYaml(rotated, { file: FILE, identities: nextIds })).documents).toEqual(documents);
    expect(await failure(rotated)).toMatchObject({ code: 'no-matching-identity', data: { recipients: [next.recipient] } });
  });
});
