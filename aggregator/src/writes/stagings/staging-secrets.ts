// Staging files with secret application config: `secrets.app` encrypted to the `.sops.yaml` recipients the way version
// files are (writes/version-secrets.ts): only `secrets` encrypted, the MAC over encrypted values only, so later writes
// change the plain fields without the deployer's key. The aggregator never reads a value back. Pure, no I/O.
import { parseDocument } from 'yaml';
import type { RepoFiles, StagingFilePatch } from '@cascade/common';
import { writeStagingFile } from '@cascade/common';
import { checkSopsYaml, encryptSopsYamlWithKey, looksLikeSopsYaml } from '@cascade/common/secrets';
import { WriteRefusedError } from '../errors.ts';
import { dataKeyFor, guarded, SECRETS_KEY, SECRETS_RULE, secretKeysOf, withoutSecrets, type SecretsPush } from '../version-secrets.ts';

/** Where a staging file keeps its secrets: `secrets.app`, application config the deployer decrypts into a Secret. */
const APP_KEY = 'app';

/**
 * The staging file after `patch`: with `secrets`, a new `secrets.app` of the sent values under a new data key; without,
 * the file's encrypted values kept as they are.
 */
export function nextStagingText(current: RepoFiles, path: string, existing: string | undefined, patch: StagingFilePatch, secrets: SecretsPush | undefined): string {
  if (secrets !== undefined) return writeStagingFileWithSecrets(current, path, existing, patch, secrets);
  if (existing !== undefined && looksLikeSopsYaml(existing)) return writeStagingFileKeepingSecrets(path, existing, patch);
  return writeStagingFile(existing, patch);
}

/** Every secret already there must be sent again or removed, since the aggregator cannot decrypt it to keep it. */
function writeStagingFileWithSecrets(current: RepoFiles, path: string, existing: string | undefined, patch: StagingFilePatch, secrets: SecretsPush): string {
  const key = dataKeyFor(current, path, secrets);
  const present = existing !== undefined && looksLikeSopsYaml(existing) ? secretKeysOf(existing, path, [APP_KEY]) : [];
  const missing = present.filter((name) => !Object.hasOwn(secrets.values, name) && !secrets.remove.includes(name));
  if (missing.length > 0) {
    const message = `${path} holds the secrets ${missing.join(', ')}, which this request neither sends nor removes; the aggregator cannot decrypt them to keep them, so send every secret again or remove the ones to drop`;
    throw new WriteRefusedError('secrets-incomplete', 'conflict', message, { field: 'secrets', file: path, missing });
  }
  const plain = writeStagingFile(withoutSecrets(existing), patch);
  const names = Object.keys(secrets.values).sort();
  if (names.length === 0) return plain;
  const document = parseDocument(plain);
  // Sorted, so the same set of keys always lands in the same order (the MAC is over values in file order).
  document.set(SECRETS_KEY, { [APP_KEY]: Object.fromEntries(names.map((name) => [name, secrets.values[name]])) });
  return encryptSopsYamlWithKey(document.toString(), key, { file: path, rule: SECRETS_RULE, macOnlyEncrypted: true, now: secrets.now });
}

/** Plain fields change, encrypted values and the sops block stay; refused when a written field falls under the file's rule. */
function writeStagingFileKeepingSecrets(path: string, existing: string, patch: StagingFilePatch): string {
  const next = writeStagingFile(existing, patch);
  guarded(path, () => checkSopsYaml(next, path), (error) => {
    const where = error.data.path === undefined ? '' : ` at ${error.data.path}`;
    return new WriteRefusedError('field-would-be-encrypted', 'unprocessable', `${path}: the field${where} falls under the file's encryption rule and would have to be encrypted; send it as a secret, or re-encrypt the file with encrypted_regex: ^secrets$`, { field: 'secrets', file: path });
  });
  return next;
}

