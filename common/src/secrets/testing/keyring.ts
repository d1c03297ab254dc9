// A keyring that has decrypted known values, for tests of output that must never show them.
import { stringify } from 'yaml';
import { encryptSopsYaml } from '../sops-file.ts';
import { generateAgeIdentity, parseAgeIdentities } from '../age-keys.ts';
import { SecretsKeyring } from '../keyring.ts';

const NOW = new Date('2026-05-06T07:08:09Z');

/** A keyring whose identity opened one SOPS file holding `values` under `secrets:`, so `scrub` cuts them out. */
export async function keyringHolding(values: Record<string, string>): Promise<SecretsKeyring> {
  const key = await generateAgeIdentity(NOW);
  const keyring = new SecretsKeyring(await parseAgeIdentities(key.identityFile, 'test.key'));
  const file = 'dev/version/app.yaml';
  const text = await encryptSopsYaml(stringify({ version: '1.0', secrets: values }), { file, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, now: NOW });
  await keyring.open([{ path: file, oid: 'test-blob', content: new TextEncoder().encode(text) }]);
  const opened = keyring.opened({ path: file, oid: 'test-blob' });
  if (opened?.ok !== true) throw new Error(`the test keyring could not open its own file: ${opened?.message ?? 'not opened'}`);
  return keyring;
}
