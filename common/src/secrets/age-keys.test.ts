import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AgeIdentity, generateAgeIdentity, isAgeRecipient, parseAgeIdentities, wrapDataKey } from './age-keys.ts';
import { SecretsError } from './errors.ts';

describe('age identities', () => {
  it('generates an identity file in age-keygen format whose key matches its recipient', async () => {
    const { identityFile, recipient } = await generateAgeIdentity(new Date('2026-03-04T05:06:07.890Z'));
    expect(identityFile).toMatch(/^# created: 2026-03-04T05:06:07Z\n# public key: age1[a-z0-9]+\nAGE-SECRET-KEY-1[0-9A-Z]+\n$/);
    expect(isAgeRecipient(recipient)).toBe(true);
    const [identity] = await parseAgeIdentities(identityFile, 'keys.txt');
    expect(identity!.recipient).toBe(recipient);
  });

  it('never shows the private key when printed, serialised or inspected', async () => {
    const { identityFile, recipient } = await generateAgeIdentity(new Date());
    const secretKey = identityFile.split('\n')[2]!;
    const [identity] = await parseAgeIdentities(identityFile, 'keys.txt');
    for (const shown of [String(identity), JSON.stringify({ identity }), inspect(identity), inspect([identity], { depth: 5, showHidden: true })]) {
      expect(shown).toContain(recipient);
      expect(shown).not.toContain(secretKey);
    }
  });

  it('names the file and line of a bad identity without quoting it', async () => {
    const { identityFile } = await generateAgeIdentity(new Date());
    // The changed character must differ from the one it replaces (a random key holds a 'Q' there one time in 32).
    const damaged = identityFile.replace(/(AGE-SECRET-KEY-1[0-9A-Z]{10})([0-9A-Z])/, (_, head: string, char: string) => head + (char === 'Q' ? 'P' : 'Q'));
    expect(damaged).not.toBe(identityFile);
    const error = await parseAgeIdentities(damaged, '/etc/cascade/age.key').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsError);
    expect(error).toMatchObject({ code: 'bad-identity', data: { file: '/etc/cascade/age.key', line: 3 } });
    expect((error as Error).message).not.toContain(damaged.split('\n')[2]!.slice(16, 40));
  });

  it('refuses an identity file without identities', async () => {
    await expect(parseAgeIdentities('# nothing here\n\n', 'k.txt')).rejects.toMatchObject({ code: 'bad-identity' });
    await expect(AgeIdentity.parse('age1notakey', { file: 'k.txt' })).rejects.toMatchObject({ code: 'bad-identity' });
  });

  it('does not repeat a private key given where a recipient belongs', async () => {
    const { identityFile } = await generateAgeIdentity(new Date());
    const secretKey = identityFile.split('\n')[2]!;
    const error = await wrapDataKey(new Uint8Array(32), secretKey, 'app.yaml').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad-recipient' });
    expect((error as Error).message).not.toContain(secretKey);
  });
});
