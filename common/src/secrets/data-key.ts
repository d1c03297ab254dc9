// A SOPS data key already wrapped to its recipients, so a synchronous writer (the git write path, re-run on every
// attempt) can encrypt a file without awaiting age, and a rotation can re-wrap a key it opened.
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { unwrapDataKey, wrapDataKey } from './age-keys.ts';
import type { AgeIdentity, AgeStanza } from './age-keys.ts';
import { SecretsError } from './errors.ts';

// The key bytes live here, not on the objects, so no logger, JSON.stringify or inspect can print them.
const KEY_BYTES = new WeakMap<SopsDataKey, Buffer>();

/** A 32-byte data key and its age entries (one per recipient); prints as its recipients only. */
export class SopsDataKey {
  private constructor(
    /** The key, age-encrypted to each recipient, as the `age:` entries of the sops block hold it. */
    readonly stanzas: readonly AgeStanza[],
  ) {}

  /** A fresh random key wrapped to `recipients` (`file` names the file in errors). */
  static async create(recipients: readonly string[], file: string): Promise<SopsDataKey> {
    if (recipients.length === 0) throw new SecretsError('bad-recipient', { file, detail: 'no recipients given' });
    return SopsDataKey.wrap(randomBytes(32), recipients, file);
  }

  /** Opens the key of existing `age:` entries with one of `identities`. */
  static async open(stanzas: readonly AgeStanza[], identities: readonly AgeIdentity[], file: string): Promise<SopsDataKey> {
    const bytes = Buffer.from(await unwrapDataKey(stanzas, identities, file));
    if (bytes.length !== 32) throw new SecretsError('bad-metadata', { file, detail: 'the data key is not 32 bytes' });
    const key = new SopsDataKey(stanzas);
    KEY_BYTES.set(key, bytes);
    return key;
  }

  /** The same key wrapped to other recipients, as `sops updatekeys` does. */
  rewrap(recipients: readonly string[], file: string): Promise<SopsDataKey> {
    return SopsDataKey.wrap(dataKeyBytes(this), recipients, file);
  }

  /** The recipients the key is wrapped to. */
  get recipients(): string[] {
    return this.stanzas.map((stanza) => stanza.recipient);
  }

  /** Shows the recipients only. */
  toString(): string {
    return `SopsDataKey(${this.recipients.join(', ')})`;
  }

  /** Serialises as the recipients only. */
  toJSON(): string {
    return this.toString();
  }

  /** What console.log and util.inspect show. */
  [inspect.custom](): string {
    return this.toString();
  }

  private static async wrap(bytes: Buffer, recipients: readonly string[], file: string): Promise<SopsDataKey> {
    const stanzas: AgeStanza[] = [];
    for (const recipient of recipients) stanzas.push({ recipient, enc: await wrapDataKey(bytes, recipient, file) });
    const key = new SopsDataKey(stanzas);
    KEY_BYTES.set(key, bytes);
    return key;
  }
}

/** The raw key, for the codec's own modules only (not exported from the package). */
export function dataKeyBytes(key: SopsDataKey): Buffer {
  const bytes = KEY_BYTES.get(key);
  if (!bytes) throw new Error('SopsDataKey without key bytes');
  return bytes;
}
