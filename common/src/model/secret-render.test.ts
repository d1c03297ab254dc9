import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptSopsYaml, generateAgeIdentity, parseAgeIdentities, SecretsError, SecretsKeyring } from '../secrets/index.ts';
import { loadAgeIdentityFile } from '../secrets/identity-files.ts';
import { repoFilesFromText } from '../repo/files.ts';
import { renderEnvironment, secretFiles } from './render.ts';
import { SECRET_MARKER } from './secret-values.ts';
import { parseSnapshot } from './snapshot.ts';
import { validateSnapshot } from './validate.ts';

const NOW = new Date('2026-05-06T07:08:09Z');
const CANARY = 'canary-Plaintext-0b5e';
const RULE = { field: 'encrypted_regex', value: '^(stringData|secrets)$' } as const;

const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${CANARY}\n`;
const versionYaml = `version: "1.0"\nimage: app:1.0\nsecrets:\n  apiKey: ${CANARY}-api\n`;
const base = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  API_KEY: ${secrets.apiKey}\n  IMAGE: ${image}\n';

let recipient: string;
let identities: Awaited<ReturnType<typeof parseAgeIdentities>>;
let keyring: SecretsKeyring;
let other: SecretsKeyring;
let files: Record<string, string>;

beforeAll(async () => {
  const key = await generateAgeIdentity(NOW);
  recipient = key.recipient;
  identities = await parseAgeIdentities(key.identityFile, 'age.key');
  keyring = new SecretsKeyring(identities);
  other = new SecretsKeyring(await parseAgeIdentities((await generateAgeIdentity(NOW)).identityFile, 'other.key'));
  const encrypt = (text: string, file: string) => encryptSopsYaml(text, { file, recipients: [recipient], rule: RULE, now: NOW });
  files = {
    'dev/deployable/db.yaml': await encrypt(secretYaml, 'dev/deployable/db.yaml'),
    'dev/base/app.yaml': base,
    'dev/version/app.yaml': await encrypt(versionYaml, 'dev/version/app.yaml'),
    'dev/deployable/plain.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: plain }\ndata: { a: b }\n',
  };
});

/** The snapshot of `files` and its dev environment rendered with `ring` (masked without one). */
async function render(ring?: SecretsKeyring, changed: Record<string, string> = {}) {
  const snapshot = parseSnapshot(repoFilesFromText('c', { ...files, ...changed }));
  if (ring) await ring.open(secretFiles(snapshot, 'dev'));
  const rendered = renderEnvironment(snapshot, 'dev', new Map(), ring ? { secrets: ring } : {});
  return { snapshot, byName: new Map(rendered.map((r) => [r.name, r])) };
}

describe('rendering SOPS-encrypted files', () => {
  it('decrypts an encrypted deployable and a version file\'s values for the placeholders of its base', async () => {
    const { byName } = await render(keyring);
    expect(byName.get('db')).toMatchObject({ ok: true, manifests: [{ kind: 'Secret', stringData: { password: CANARY } }] });
    const db = byName.get('db');
    expect(db?.ok && db.manifests[0]).not.toHaveProperty('sops');
    expect(byName.get('app')).toMatchObject({ ok: true, version: '1.0', manifests: [{ stringData: { API_KEY: `${CANARY}-api`, IMAGE: 'app:1.0' } }] });
  });

  it('shows the version file\'s encrypted values as a marker and never keeps the sops block as a field', async () => {
    const { snapshot } = await render();
    const version = snapshot.environments.get('dev')?.resources.get('app')?.version;
    expect(version?.fields).toEqual({ version: '1.0', image: 'app:1.0', secrets: { apiKey: SECRET_MARKER } });
    expect(version?.encrypted).toEqual({ paths: ['secrets.apiKey'] });
    expect(JSON.stringify(snapshot.environments.get('dev'))).not.toContain(CANARY);
  });

  it('renders markers without a keyring, for the CLI, and never the plaintext', async () => {
    const { byName } = await render();
    expect(byName.get('db')).toMatchObject({ ok: true, manifests: [{ stringData: { password: SECRET_MARKER } }] });
    expect(byName.get('app')).toMatchObject({ ok: true, manifests: [{ stringData: { API_KEY: SECRET_MARKER } }] });
  });

  it('fails each encrypted resource with secret-undecryptable naming the file and the recipient; the others render', async () => {
    const { byName } = await render(other);
    const db = byName.get('db');
    expect(db).toMatchObject({ ok: false, problems: [{ code: 'secret-undecryptable', file: 'dev/deployable/db.yaml', env: 'dev', resource: 'db' }] });
    expect(!db?.ok && db?.problems[0]?.message).toContain(recipient);
    expect(byName.get('app')).toMatchObject({ ok: false, problems: [{ code: 'secret-undecryptable', file: 'dev/version/app.yaml' }] });
    expect(byName.get('plain')).toMatchObject({ ok: true });
  });

  it('fails a tampered file with the codec\'s code, containing it to its resource', async () => {
    const tampered = files['dev/deployable/db.yaml']!.replace(/(password: ENC\[AES256_GCM,data:)(.)/, (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    const { byName } = await render(keyring, { 'dev/deployable/db.yaml': tampered });
    expect(byName.get('db')).toMatchObject({ ok: false, problems: [{ code: 'value-tampered', file: 'dev/deployable/db.yaml' }] });
    expect(byName.get('app')).toMatchObject({ ok: true });
  });

  it('refuses an encrypted version', async () => {
    const whole = await encryptSopsYaml(versionYaml, { file: 'v', recipients: [recipient], now: NOW });
    const { byName } = await render(keyring, { 'dev/version/app.yaml': whole });
    expect(byName.get('app')).toMatchObject({ ok: false });
    const snapshot = parseSnapshot(repoFilesFromText('c', { ...files, 'dev/version/app.yaml': whole }));
    expect(snapshot.problems.map((p) => p.code)).toContain('version-encrypted');
  });

  it('decrypts an unchanged file once', async () => {
    const ring = new SecretsKeyring(identities);
    const { snapshot } = await render(ring);
    const first = ring.opened({ path: 'dev/deployable/db.yaml', oid: snapshot.files.files.get('dev/deployable/db.yaml')!.oid });
    await ring.open(secretFiles(snapshot, 'dev'));
    expect(ring.opened({ path: 'dev/deployable/db.yaml', oid: snapshot.files.files.get('dev/deployable/db.yaml')!.oid })).toBe(first);
  });

  it('scrubs decrypted values and their base64 form out of any text', async () => {
    await render(keyring);
    const leaked = { message: `apply failed: ${CANARY} / ${Buffer.from(CANARY).toString('base64')}`, nested: [`x${CANARY}-apiy`] };
    expect(JSON.stringify(keyring.scrub(leaked))).not.toContain(CANARY);
    expect(keyring.scrub('metadata.name: db')).toBe('metadata.name: db');
  });
});

describe('validating SOPS files', () => {
  it('checks structure and MAC presence without a key, decryption with one', async () => {
    const noMac = files['dev/deployable/db.yaml']!.replace(/mac: ENC\[[^\]]*\]/, 'mac: ""');
    const snapshot = parseSnapshot(repoFilesFromText('c', { ...files, 'dev/deployable/db.yaml': noMac }));
    expect(validateSnapshot(snapshot).map((p) => p.code)).toEqual(['mac-missing']);
    const clean = parseSnapshot(repoFilesFromText('c', files));
    expect(validateSnapshot(clean)).toEqual([]);
    await other.open(secretFiles(clean, 'dev'));
    expect(validateSnapshot(clean, new Map(), { secrets: other }).map((p) => p.code)).toEqual(['secret-undecryptable', 'secret-undecryptable']);
  });
});

describe('age identity files', () => {
  it('refuses a file its group or others can read, naming the file and never its content', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-identity-'));
    try {
      const file = join(dir, 'age.key');
      const { identityFile } = await generateAgeIdentity(NOW);
      await writeFile(file, identityFile, { mode: 0o644 });
      await chmod(file, 0o644);
      const error = await loadAgeIdentityFile(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretsError);
      expect(error).toMatchObject({ code: 'identity-file-permissions', data: { file } });
      expect((error as Error).message).not.toContain('AGE-SECRET-KEY');
      await chmod(file, 0o600);
      expect(await loadAgeIdentityFile(file)).toHaveLength(1);
      expect(await loadAgeIdentityFile(join(dir, 'missing')).catch((e: unknown) => e)).toMatchObject({ code: 'identity-file-unreadable' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
