// Hostile or broken input gives a SecretsError, never a crash, a hang or a silently different result.
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrng, mutateContent } from '../testing/index.ts';
import { decryptSopsYaml, encryptSopsYaml, MAX_SOPS_FILE_BYTES, parseAgeIdentities, SecretsError } from './index.ts';
import type { AgeIdentity } from './index.ts';
import { fixture, macLeaves } from './testing/fixtures.ts';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from './testing/sops-cli.ts';

const FILE = 'apps/payment-api/values.yaml';
const NOW = new Date('2026-05-06T07:08:09Z');

let identities: AgeIdentity[];
let recipient: string;
let bySops: string;

beforeAll(async () => {
  const sops = await sopsCli();
  const key = await sops.keygen();
  recipient = key.recipient;
  identities = await parseAgeIdentities(key.identityFile, 'keys.txt');
  bySops = await sops.encrypt(fixture('version-file.yaml'), ['--age', key.recipient, '--encrypted-regex', '^(data|stringData)$']);
}, TOOLS_BUILD_TIMEOUT_MS);

/** The SecretsError code decrypting `text` fails with, or 'ok'; anything else thrown fails the test. */
async function outcome(text: string): Promise<string> {
  try {
    await decryptSopsYaml(text, { file: FILE, identities });
    return 'ok';
  } catch (error) {
    if (error instanceof SecretsError) return error.code;
    throw error;
  }
}

describe('bounds', () => {
  it('refuses a file over the size limit before parsing it', async () => {
    const huge = `a: ${'x'.repeat(MAX_SOPS_FILE_BYTES)}\n`;
    expect(await outcome(huge)).toBe('too-large');
    await expect(encryptSopsYaml(huge, { file: FILE, recipients: [recipient], now: NOW })).rejects.toMatchObject({ code: 'too-large' });
  });

  it('refuses deep nesting, aliases and alias bombs', async () => {
    expect(await outcome(`${'['.repeat(5000)}${']'.repeat(5000)}`)).toBe('malformed-yaml');
    expect(await outcome(`a: ${'{b: '.repeat(100)}1${'}'.repeat(100)}\n`)).toBe('malformed-yaml');
    expect(await outcome(`${bySops}\nextra: &x [1, 2]\nmore: *x\n`)).toBe('malformed-yaml');
    const bomb = mutateContent(new TextEncoder().encode(bySops), createPrng(1), 'alias-bomb').content;
    expect(await outcome(new TextDecoder().decode(bomb))).toBe('malformed-yaml');
  });

  it('refuses what is not a mapping of string keys', async () => {
    for (const text of ['- a\n- b\n', 'just text\n', '? [a]\n: 1\n', '1: one\n', '\u0000\u0001\u00ff', '{']) {
      expect(['malformed-yaml', 'not-encrypted'], JSON.stringify(text)).toContain(await outcome(text));
    }
    expect(await outcome('')).toBe('not-encrypted');
  });

  it('refuses a plain document that already has a sops key', async () => {
    await expect(encryptSopsYaml('sops: 1\n', { file: FILE, recipients: [recipient], now: NOW })).rejects.toMatchObject({ code: 'reserved-key' });
  });

  it('refuses metadata of the wrong shape', async () => {
    const sopsBlock = bySops.slice(bySops.indexOf('\nsops:') + 1);
    const body = bySops.slice(0, bySops.indexOf('\nsops:') + 1);
    for (const block of ['sops: 5\n', 'sops:\n    age: 5\n', 'sops:\n    age:\n        - 5\n', `${sopsBlock}    encrypted_suffix: _x\n`, `${sopsBlock}    encrypted_comment_regex: x\n`]) {
      expect(['bad-metadata', 'unsupported', 'malformed-yaml'], block.slice(0, 60)).toContain(await outcome(body + block));
    }
  });
});

describe('fuzzing the parser with seeded mutations', () => {
  it('gives the original values or a SecretsError for every mutation of a sops-made file', async () => {
    const original = macLeaves((await decryptSopsYaml(bySops, { file: FILE, identities })).documents);
    const bytes = new TextEncoder().encode(bySops);
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const rng = createPrng(seed);
      const mutated = rng.chance(0.5) ? mutateContent(bytes, rng) : flipRandomByte(bytes, rng.int(bytes.length), rng.int(8));
      const text = new TextDecoder().decode(mutated.content);
      let result: string;
      try {
        const { documents } = await decryptSopsYaml(text, { file: FILE, identities });
        // Success is fine only if every value the MAC covers is unchanged (sops does not authenticate plain key names).
        expect(macLeaves(documents), `seed ${seed}: ${mutated.what}`).toEqual(original);
        result = 'ok';
      } catch (error) {
        expect(error, `seed ${seed}: ${mutated.what}`).toBeInstanceOf(SecretsError);
        result = (error as SecretsError).code;
      }
      seen.set(result, (seen.get(result) ?? 0) + 1);
    }
    // The mutations reach past the YAML parser into the metadata, the values and the MAC.
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['malformed-yaml', 'mac-mismatch']));
  }, 120_000);
});

/** The content with bit `bit` of byte `at` flipped. */
function flipRandomByte(content: Uint8Array, at: number, bit: number): { content: Uint8Array; what: string } {
  const out = content.slice();
  out[at]! ^= 1 << bit;
  return { content: out, what: `flipped bit ${bit} of byte ${at}` };
}
