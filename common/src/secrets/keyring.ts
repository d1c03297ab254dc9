// The deployer's capability to decrypt: its age identities and the files they opened, kept in memory by blob id.
import type { AgeIdentity } from './age-keys.ts';
import { SecretsError } from './errors.ts';
import { loadAgeIdentityFiles } from './identity-files.ts';
import { decryptSopsYaml } from './sops-file.ts';
import type { SecretMap, SecretValue } from './sops-file.ts';
import { checkSopsYaml } from './structure.ts';

/** A file of the repo at one commit, as the snapshot holds it. */
export interface SecretFileRef {
  path: string;
  /** Git blob id: the same blob decrypts the same way, so it is decrypted once. */
  oid: string;
  content?: Uint8Array | undefined;
}

/** A file as the keyring opened it: its plain documents (secret: never log them), or why it could not. */
export type OpenedSecretFile =
  | { ok: true; documents: SecretMap[] }
  /** `code` is `secret-undecryptable` when no identity matches, else the SecretsError code (`value-tampered`, `mac-mismatch`, …). */
  | { ok: false; code: string; message: string; recipients: string[] };

/** The problem code of a file no configured identity can open. */
export const UNDECRYPTABLE = 'secret-undecryptable';

// Enough for every encrypted file of a large installation; the oldest entries go first beyond it.
const MAX_OPENED = 10_000;
// Shorter values would cut ordinary words out of messages; a secret that short protects nothing anyway.
const MIN_SCRUBBED_LENGTH = 4;

/**
 * Decrypts SOPS files with the deployer's identities and remembers the result per path and blob id (in memory only).
 * Knows every value it decrypted, so `scrub` can cut them out of anything about to be shown or logged.
 */
export class SecretsKeyring {
  private readonly opened_ = new Map<string, OpenedSecretFile>();
  private readonly secrets = new Map<string, string[]>();
  private pattern: RegExp | undefined;

  /** A keyring with these identities; none: every encrypted file fails with `secret-undecryptable`. */
  constructor(private readonly identities: readonly AgeIdentity[]) {}

  /** Reads the identity files named in the config (refusing group- or world-readable ones). */
  static async fromFiles(files: readonly string[]): Promise<SecretsKeyring> {
    return new SecretsKeyring(await loadAgeIdentityFiles(files));
  }

  /** Tells renders with different identities apart in a shared cache. */
  get id(): string {
    return `keyring:${this.identities.map((identity) => identity.recipient).join(',')}`;
  }

  /** The public recipients of the identities held. */
  get recipients(): string[] {
    return this.identities.map((identity) => identity.recipient);
  }

  /** Decrypts every file not opened before; afterwards `opened` answers for each of them. */
  async open(files: Iterable<SecretFileRef>): Promise<void> {
    for (const file of files) {
      const key = keyOf(file);
      if (this.opened_.has(key)) continue;
      this.remember(key, await this.decrypt(file));
    }
  }

  /** What `open` found for a file, or undefined when it was never opened. */
  opened(file: { path: string; oid: string }): OpenedSecretFile | undefined {
    return this.opened_.get(keyOf(file));
  }

  /** A copy of `value` with every decrypted value (and its base64 form) in any string replaced by `[secret]`. */
  scrub<T>(value: T): T {
    const pattern = this.scrubPattern();
    return pattern === undefined ? value : (scrubValue(value, pattern) as T);
  }

  /** Shows the recipients only. */
  toString(): string {
    return `SecretsKeyring(${this.recipients.join(', ')})`;
  }

  private async decrypt(file: SecretFileRef): Promise<{ opened: OpenedSecretFile; secrets: string[] }> {
    try {
      if (file.content === undefined) throw new SecretsError('malformed-yaml', { file: file.path, detail: 'content could not be read' });
      const text = new TextDecoder('utf-8', { fatal: true }).decode(file.content);
      const { encryptedLeaves } = checkSopsYaml(text, file.path);
      const { documents } = await decryptSopsYaml(text, { file: file.path, identities: this.identities });
      const secrets = encryptedLeaves.map((leaf) => leafAt(documents[leaf.document], leaf.path)).filter((v): v is string => v !== undefined);
      return { opened: { ok: true, documents }, secrets };
    } catch (error) {
      if (!(error instanceof SecretsError)) return { opened: { ok: false, code: 'malformed-yaml', message: 'not UTF-8 text a SOPS file can be read from', recipients: [] }, secrets: [] };
      const recipients = error.data.recipients ?? [];
      if (error.code === 'no-matching-identity') {
        const needs = recipients.length > 0 ? `an age identity for ${recipients.join(' or ')}` : 'an age recipient, and it has none';
        const have = this.identities.length > 0 ? `the deployer holds ${this.recipients.join(', ')}` : 'the deployer has no age identity (secrets.ageIdentityFile)';
        return { opened: { ok: false, code: UNDECRYPTABLE, message: `cannot decrypt: it needs ${needs}; ${have}`, recipients }, secrets: [] };
      }
      return { opened: { ok: false, code: error.code, message: error.message, recipients }, secrets: [] };
    }
  }

  private remember(key: string, { opened, secrets }: { opened: OpenedSecretFile; secrets: string[] }): void {
    if (this.opened_.size >= MAX_OPENED) {
      const oldest = this.opened_.keys().next().value as string;
      this.opened_.delete(oldest);
      this.secrets.delete(oldest);
    }
    this.opened_.set(key, opened);
    this.secrets.set(key, secrets);
    this.pattern = undefined;
  }

  private scrubPattern(): RegExp | undefined {
    if (this.pattern !== undefined) return this.pattern;
    const values = new Set<string>();
    for (const list of this.secrets.values()) {
      for (const secret of list) {
        if (secret.length < MIN_SCRUBBED_LENGTH) continue;
        values.add(secret);
        // A Secret's stringData comes back from the cluster as base64 data.
        values.add(Buffer.from(secret, 'utf8').toString('base64'));
      }
    }
    if (values.size === 0) return undefined;
    // Longest first, so a value containing another is cut as a whole.
    const sorted = [...values].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(sorted.join('|'), 'g');
    return this.pattern;
  }
}

/** What a scrubbed value is replaced with. */
export const SCRUBBED = '[secret]';

function keyOf(file: { path: string; oid: string }): string {
  return `${file.path}\0${file.oid}`;
}

/** The text form of the decrypted value at `path`, or undefined when it is not a scalar. */
function leafAt(document: SecretMap | undefined, path: ReadonlyArray<string | number>): string | undefined {
  let current: SecretValue | undefined = document;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[step as number] : (current as SecretMap)[step as string];
  }
  if (current === undefined || current === null || typeof current === 'object') return undefined;
  return String(current);
}

function scrubValue(value: unknown, pattern: RegExp): unknown {
  if (typeof value === 'string') return value.replace(pattern, SCRUBBED);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, pattern));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, pattern)]));
}
