// Version files with secrets: the aggregator encrypts pushed values to the `.sops.yaml` recipients and never holds an
// identity, so it can write a whole new `secrets` map (with a new data key) or leave the encrypted one untouched, but
// never read or keep part of one. Pure, no I/O: the data key arrives wrapped, the clock's time as a value.
import { parseDocument } from 'yaml';
import type { YamlValue } from '@cascade/common';
import { writeVersionFile } from '@cascade/common';
import type { RepoFiles } from '@cascade/common';
import type { EncryptionRule, SopsDataKey } from '@cascade/common/secrets';
import { checkSopsYaml, creationRuleFor, encryptSopsYamlWithKey, looksLikeSopsYaml, parseCreationRules, readSopsSettings, SecretsError } from '@cascade/common/secrets';
import { WriteRefusedError } from './errors.ts';
import { readText } from './repo-paths.ts';

/** The top-level version-file key holding the encrypted values; a base reads one as `${secrets.API_KEY}`. */
export const SECRETS_KEY = 'secrets';

/** Where sops looks for creation rules, and so where the aggregator does: the root of the resource repo. */
export const SOPS_CONFIG = '.sops.yaml';

/**
 * The rule the aggregator writes whatever the creation rule says: only `secrets` is encrypted, and the MAC covers only
 * encrypted values, so later pushes (and transitions) can change `version` and `image` without the deployer's key.
 */
export const SECRETS_RULE: EncryptionRule = { field: 'encrypted_regex', value: `^${SECRETS_KEY}$` };

/** The secrets of a push: values to encrypt, keys to drop, and the data key wrapped to the recipients found last time. */
export interface SecretsPush {
  /** Key → plaintext. Never log, never put into an error or a message. */
  values: Record<string, string>;
  /** Keys of the file's current secrets to drop. */
  remove: string[];
  /** Undefined until the route has made one for the recipients the write asked for (RecipientsChangedError). */
  key: SopsDataKey | undefined;
  /** lastmodified of the file. */
  now: Date;
}

/** The write needs a data key for these recipients: the route makes one and runs the write again. */
export class RecipientsChangedError extends Error {
  constructor(
    readonly recipients: string[],
    readonly file: string,
  ) {
    super(`the data key must be wrapped to the recipients of the ${SOPS_CONFIG} rule for ${file}`);
    this.name = 'RecipientsChangedError';
  }
}

/** The recipients of the creation rule for `path`; refuses 422 naming `.sops.yaml` and what to add. */
export function recipientsFor(current: RepoFiles, path: string): string[] {
  const text = readText(current, SOPS_CONFIG);
  const advice = `a creation rule whose path_regex matches ${path} and names the deployer's age recipient (age: age1…), e.g. path_regex: /version/`;
  if (text === undefined) {
    throw new WriteRefusedError('no-sops-config', 'unprocessable', `secrets: the repo has no ${SOPS_CONFIG} at its root, so the aggregator does not know whom to encrypt to; add one with ${advice}`, { field: 'secrets', file: SOPS_CONFIG });
  }
  try {
    return creationRuleFor(parseCreationRules(text, SOPS_CONFIG), path, SOPS_CONFIG).recipients;
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    const what = error.code === 'no-creation-rule' ? `no rule of ${SOPS_CONFIG} with an age recipient matches ${path}; add ${advice}` : error.message;
    throw new WriteRefusedError(error.code === 'no-creation-rule' ? 'no-sops-rule' : 'bad-sops-config', 'unprocessable', `secrets: ${what}`, { field: 'secrets', file: SOPS_CONFIG });
  }
}

/**
 * The version file with `version`, `fields` and a new `secrets` map: the pushed values, encrypted with the push's
 * data key. Every secret already there must be sent again or removed, since the aggregator cannot read it to keep it.
 */
export function writeVersionFileWithSecrets(current: RepoFiles, path: string, existing: string | undefined, version: string, fields: Record<string, YamlValue>, secrets: SecretsPush): string {
  const key = dataKeyFor(current, path, secrets);
  const present = existing !== undefined && looksLikeSopsYaml(existing) ? secretKeysOf(existing, path) : [];
  const missing = present.filter((key) => !Object.hasOwn(secrets.values, key) && !secrets.remove.includes(key));
  if (missing.length > 0) {
    const message = `${path} holds the secrets ${missing.join(', ')}, which this push neither sends nor removes; the aggregator cannot decrypt them to keep them, so send every secret of the file again or remove the ones to drop`;
    throw new WriteRefusedError('secrets-incomplete', 'conflict', message, { field: 'secrets', file: path, missing });
  }
  const plain = writeVersionFile(withoutSecrets(existing), version, fields);
  const keys = Object.keys(secrets.values).sort();
  if (keys.length === 0) return plain;
  const document = parseDocument(plain);
  // Sorted, so the same set of keys always lands in the same order (the MAC is over values in file order).
  document.set(SECRETS_KEY, Object.fromEntries(keys.map((key) => [key, secrets.values[key]])));
  return encryptSopsYamlWithKey(document.toString(), key, { file: path, rule: SECRETS_RULE, macOnlyEncrypted: true, now: secrets.now });
}

/** The push's data key when it is wrapped to the recipients of the `.sops.yaml` rule for `path`; RecipientsChangedError otherwise. */
export function dataKeyFor(current: RepoFiles, path: string, secrets: SecretsPush): SopsDataKey {
  const recipients = recipientsFor(current, path);
  if (secrets.key === undefined || !sameSet(secrets.key.recipients, recipients)) throw new RecipientsChangedError(recipients, path);
  return secrets.key;
}

/**
 * A push without secrets onto a file that has some: plain keys change, encrypted values and the sops block stay.
 * Refused when the MAC covers plain values (mac_only_encrypted unset) or a written field would fall under the rule.
 */
export function writePlainKeysOfSopsFile(path: string, existing: string, version: string, fields: Record<string, YamlValue>): string {
  const settings = guarded(path, () => readSopsSettings(existing, path));
  if (!settings.macOnlyEncrypted) {
    const message = `${path} is SOPS-encrypted with a MAC over its plain values too (mac_only_encrypted is not set), so changing version or fields needs the deployer's key; edit it with sops, or push its secrets again so the aggregator rewrites it with mac_only_encrypted: true`;
    throw new WriteRefusedError('sops-file-not-editable', 'conflict', message, { field: 'version', file: path });
  }
  const next = writeVersionFile(existing, version, fields);
  guarded(path, () => checkSopsYaml(next, path), (error) => {
    const where = error.data.path === undefined ? '' : ` at ${error.data.path}`;
    return new WriteRefusedError('field-would-be-encrypted', 'unprocessable', `${path}: the field${where} falls under the file's encryption rule (${settings.rule.field}: ${settings.rule.value}) and would have to be encrypted; send it as a secret or under another key`, { field: `fields${where ? `.${error.data.path}` : ''}`, file: path });
  });
  return next;
}

/**
 * Keys of the file's `secrets` map, or of the map at `under` inside it (`secrets.app` of a staging); a file with
 * encrypted values outside `secrets` is refused (only sops can rewrite it).
 */
export function secretKeysOf(existing: string, path: string, under: readonly string[] = []): string[] {
  const structure = guarded(path, () => checkSopsYaml(existing, path));
  const foreign = structure.encryptedLeaves.find((leaf) => leaf.path[0] !== SECRETS_KEY);
  if (foreign) {
    const message = `${path} has encrypted values outside "${SECRETS_KEY}" (at ${foreign.path.join('.')}); the aggregator cannot carry them over into a new data key, so change the secrets of this file with sops`;
    throw new WriteRefusedError('sops-file-foreign-rule', 'conflict', message, { field: 'secrets', file: path });
  }
  let map: unknown = (parseDocument(existing).toJS() as Record<string, unknown> | null)?.[SECRETS_KEY];
  for (const key of under) map = map !== null && typeof map === 'object' && !Array.isArray(map) ? (map as Record<string, unknown>)[key] : undefined;
  return map !== null && typeof map === 'object' && !Array.isArray(map) ? Object.keys(map) : [];
}

/** The file without its `sops` block and `secrets` map, comments and layout of the rest kept. */
export function withoutSecrets(existing: string | undefined): string | undefined {
  if (existing === undefined || !looksLikeSopsYaml(existing)) return existing;
  const document = parseDocument(existing);
  document.delete('sops');
  document.delete(SECRETS_KEY);
  return document.toString();
}

/** Runs a codec step; its SecretsError (which never holds a value) becomes a 409 naming the file, or what `map` makes of it. */
export function guarded<T>(path: string, step: () => T, map?: (error: SecretsError) => WriteRefusedError): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    throw map?.(error) ?? new WriteRefusedError(`sops-${error.code}`, 'conflict', `${error.message}; fix the file with sops`, { file: path });
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
