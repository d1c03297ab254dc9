// age identities and recipients: the data key of a SOPS file is age-encrypted to each recipient, ASCII-armored.
import { inspect } from 'node:util';
import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { SecretsError } from './errors.ts';

// Private keys live here, not on the objects, so no logger, JSON.stringify or inspect can print one.
const SECRET_KEYS = new WeakMap<AgeIdentity, string>();

/** An age private key, known by its public recipient; printing or serialising it shows only the recipient. */
export class AgeIdentity {
  private constructor(
    /** The matching public recipient (`age1…`). */
    readonly recipient: string,
  ) {}

  /** Validates one `AGE-SECRET-KEY-…` line; `where` names its source for errors, which never quote the key. */
  static async parse(secretKey: string, where: { file: string; line?: number }): Promise<AgeIdentity> {
    let recipient: string;
    try {
      if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(secretKey)) throw new Error('shape');
      recipient = await identityToRecipient(secretKey);
    } catch {
      // The library's own message may quote the key, so it is dropped.
      throw new SecretsError('bad-identity', { ...where, detail: 'expected a line starting with AGE-SECRET-KEY-1' });
    }
    const identity = new AgeIdentity(recipient);
    SECRET_KEYS.set(identity, secretKey);
    return identity;
  }

  /** Shows the recipient only. */
  toString(): string {
    return `AgeIdentity(${this.recipient})`;
  }

  /** Serialises as the recipient only. */
  toJSON(): string {
    return this.toString();
  }

  /** What console.log and util.inspect show. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/** Reads an age identity file (as `age-keygen` writes it): one key per line, `#` comments and blank lines skipped. */
export async function parseAgeIdentities(text: string, file: string): Promise<AgeIdentity[]> {
  const identities: AgeIdentity[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    identities.push(await AgeIdentity.parse(line, { file, line: index + 1 }));
  }
  if (identities.length === 0) throw new SecretsError('bad-identity', { file, detail: 'the file holds no age identity' });
  return identities;
}

/** A fresh X25519 identity as an identity file (the format `age-keygen` writes) and its recipient. */
export async function generateAgeIdentity(now: Date): Promise<{ identityFile: string; recipient: string }> {
  const secretKey = await generateX25519Identity();
  const recipient = await identityToRecipient(secretKey);
  const identityFile = `# created: ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n# public key: ${recipient}\n${secretKey}\n`;
  return { identityFile, recipient };
}

/** True for the age recipient forms Cascade can encrypt to (X25519 `age1…`, hybrid `age1pq1…`). */
export function isAgeRecipient(recipient: string): boolean {
  return /^age1(pq1)?[02-9ac-hj-np-z]+$/.test(recipient);
}

/** Encrypts the data key to one recipient as sops does: one armored age file per recipient. */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string, file: string): Promise<string> {
  try {
    if (!isAgeRecipient(recipient)) throw new Error('shape');
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    return armor.encode(await encrypter.encrypt(dataKey));
  } catch {
    throw new SecretsError('bad-recipient', { file, detail: describeRecipient(recipient) });
  }
}

/** Quotes a bad recipient, unless it is a private key given by mistake: that is never repeated. */
function describeRecipient(recipient: string): string {
  if (/SECRET-KEY/i.test(recipient)) return 'an identity (private key) was given where a public recipient belongs';
  return JSON.stringify(recipient.length > 100 ? `${recipient.slice(0, 100)}…` : recipient);
}

/** One `age:` entry of the sops block. */
export interface AgeStanza {
  recipient: string;
  enc: string;
}

/** Opens the data key with the first identity that can; entries whose recipient is one of ours are tried first. */
export async function unwrapDataKey(stanzas: readonly AgeStanza[], identities: readonly AgeIdentity[], file: string): Promise<Uint8Array> {
  const ours = new Set(identities.map((identity) => identity.recipient));
  // `recipient` is only a label (it is not authenticated), so every entry is still tried after the likely ones.
  const ordered = [...stanzas.filter((s) => ours.has(s.recipient)), ...stanzas.filter((s) => !ours.has(s.recipient))];
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(SECRET_KEYS.get(identity)!);
  for (const stanza of ordered) {
    try {
      return await decrypter.decrypt(armor.decode(stanza.enc));
    } catch {
      // Not ours, or a damaged entry: another entry may still open.
    }
  }
  throw new SecretsError('no-matching-identity', {
    file,
    recipients: stanzas.map((s) => s.recipient),
    detail: identities.length > 0 ? `tried ${identities.map((i) => i.recipient).join(', ')}` : 'no identity given',
  });
}
