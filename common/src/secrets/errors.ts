// The one failure type of the SOPS codec: a stable code, the file, and where in it; never a secret value.

/** Why a SOPS file could not be read, decrypted or written. */
export type SecretsErrorCode =
  /** The file is larger than MAX_SOPS_FILE_BYTES. */
  | 'too-large'
  /** Not YAML, or YAML Cascade refuses (aliases, non-string keys, nesting too deep, a document that is not a mapping). */
  | 'malformed-yaml'
  /** No `sops:` metadata block: the file is not encrypted. */
  | 'not-encrypted'
  /** The `sops:` block is missing a field or has one of the wrong shape. */
  | 'bad-metadata'
  /** A SOPS feature Cascade does not implement (several key groups, comment regexes). */
  | 'unsupported'
  /** None of the given identities can open the data key; `data.recipients` says which would. */
  | 'no-matching-identity'
  /** An identity file line is not an age identity. */
  | 'bad-identity'
  /** An identity file could not be read (missing, not a regular file, no permission). */
  | 'identity-file-unreadable'
  /** An identity file can be read by its group or by others; like ssh with a private key, Cascade refuses it. */
  | 'identity-file-permissions'
  /** A recipient is not an age recipient. */
  | 'bad-recipient'
  /** A value that should be encrypted is not a well-formed `ENC[AES256_GCM,…]` string. */
  | 'bad-value'
  /** A value failed authentication: it was changed, moved to another key, or encrypted with another data key. */
  | 'value-tampered'
  /** The `mac` field is empty. */
  | 'mac-missing'
  /** The MAC does not match the values, or does not authenticate itself. */
  | 'mac-mismatch'
  /** A plain document to encrypt already has a top-level `sops` key. */
  | 'reserved-key'
  /** `.sops.yaml` is malformed. */
  | 'bad-creation-rules'
  /** No `.sops.yaml` creation rule with age recipients matches the path. */
  | 'no-creation-rule';

/** Where a failure is: the file always, the key path (keys joined with `.`) or line when known. */
export interface SecretsErrorData {
  file: string;
  /** Key path of the value, e.g. `stringData.password`; key names are not secret, values are. */
  path?: string;
  line?: number;
  /** Public age recipients that could decrypt the file (for `no-matching-identity`). */
  recipients?: string[];
  /** A short explanation that holds no secret material. */
  detail?: string;
}

/** A SOPS file could not be read, decrypted or written; the message names the file and what failed. */
export class SecretsError extends Error {
  override name = 'SecretsError';

  /** Creates an error whose message is built from `code` and `data` alone, so it never carries a value. */
  constructor(
    readonly code: SecretsErrorCode,
    readonly data: SecretsErrorData,
  ) {
    super(describe(code, data));
  }
}

const WHAT: Record<SecretsErrorCode, string> = {
  'too-large': 'file too large',
  'malformed-yaml': 'not a YAML mapping Cascade can read',
  'not-encrypted': 'no sops metadata block; the file is not encrypted',
  'bad-metadata': 'invalid sops metadata',
  unsupported: 'uses a SOPS feature Cascade does not support',
  'no-matching-identity': 'none of the given age identities can decrypt the data key',
  'bad-identity': 'not an age identity',
  'identity-file-unreadable': 'cannot read the age identity file',
  'identity-file-permissions': 'the age identity file is readable by group or others; make it readable by its owner only (chmod 600)',
  'bad-recipient': 'not an age recipient',
  'bad-value': 'malformed encrypted value',
  'value-tampered': 'encrypted value failed authentication (changed, moved or from another file)',
  'mac-missing': 'the MAC is missing',
  'mac-mismatch': 'MAC mismatch: the file was changed outside sops',
  'reserved-key': 'the top-level key "sops" is reserved for SOPS metadata',
  'bad-creation-rules': 'invalid creation_rules',
  'no-creation-rule': 'no creation rule with age recipients matches',
};

/** `file[:line] [at path]: what (detail)`. */
function describe(code: SecretsErrorCode, data: SecretsErrorData): string {
  const where = `${data.file}${data.line !== undefined ? `:${data.line}` : ''}${data.path !== undefined ? ` at ${data.path}` : ''}`;
  const needs = data.recipients ? `; it is encrypted to ${data.recipients.length > 0 ? data.recipients.join(', ') : 'no age recipient'}` : '';
  return `${where}: ${WHAT[code]}${data.detail ? ` (${data.detail})` : ''}${needs}`;
}
