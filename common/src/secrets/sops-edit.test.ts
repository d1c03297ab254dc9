// Encrypting with a key wrapped ahead of time, reading settings without a key, and re-wrapping a data key to new
// recipients; the interop with the real sops is checked where these are used (the aggregator's push, `cascade secrets`).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decryptSopsYaml, encryptSopsYamlWithKey, generateAgeIdentity, parseAgeIdentities, readSopsSettings, SopsDataKey, updateSopsRecipients } from './index.ts';

const NOW = new Date('2026-05-06T07:08:09Z');
const PLAIN = 'version: "1.0"\nsecrets:\n  API_KEY: value-canary-81c2\n';
const RULE = { field: 'encrypted_regex' as const, value: '^secrets$' };

async function keyPair() {
  const { identityFile, recipient } = await generateAgeIdentity(NOW);
  return { recipient, identities: await parseAgeIdentities(identityFile, 'key.txt') };
}

describe('SopsDataKey', () => {
  it('prints, serialises and inspects as its recipients only', async () => {
    const { recipient } = await keyPair();
    const key = await SopsDataKey.create([recipient], 'f.yaml');
    for (const shown of [String(key), JSON.stringify({ key }), inspect(key)]) expect(shown).toContain(`SopsDataKey(${recipient})`);
    expect(Object.keys(key)).toEqual(['stanzas']);
  });
});

describe('encryptSopsYamlWithKey', () => {
  it('writes a file decryptSopsYaml opens, with the rule and mac_only_encrypted given', async () => {
    const { recipient, identities } = await keyPair();
    const text = encryptSopsYamlWithKey(PLAIN, await SopsDataKey.create([recipient], 'v.yaml'), { file: 'v.yaml', rule: RULE, macOnlyEncrypted: true, now: NOW });
    expect(text).not.toContain('value-canary-81c2');
    expect(parse(text)).toMatchObject({ version: '1.0', sops: { encrypted_regex: '^secrets$', mac_only_encrypted: true } });
    expect((await decryptSopsYaml(text, { file: 'v.yaml', identities })).documents).toEqual([{ version: '1.0', secrets: { API_KEY: 'value-canary-81c2' } }]);
    expect(readSopsSettings(text, 'v.yaml')).toEqual({ recipients: [recipient], rule: RULE, macOnlyEncrypted: true });
  });
});

describe('updateSopsRecipients', () => {
  it('changes only the age entries: values, MAC and comments stay, the new recipient opens it and the old one does not', async () => {
    const [before, after] = [await keyPair(), await keyPair()];
    const original = `# kept comment\n${encryptSopsYamlWithKey(PLAIN, await SopsDataKey.create([before.recipient], 'v.yaml'), { file: 'v.yaml', rule: RULE, macOnlyEncrypted: true, now: NOW })}`;
    const update = await updateSopsRecipients(original, { file: 'v.yaml', identities: before.identities, recipients: [after.recipient] });
    expect(update).toMatchObject({ added: [after.recipient], removed: [before.recipient] });
    expect(update.text).toContain('# kept comment');
    type Shape = { secrets: unknown; sops: { mac: string } };
    const [was, now] = [parse(original) as Shape, parse(update.text) as Shape];
    expect(now.secrets).toEqual(was.secrets);
    expect(now.sops.mac).toBe(was.sops.mac);
    expect((await decryptSopsYaml(update.text, { file: 'v.yaml', identities: after.identities })).documents[0]).toMatchObject({ secrets: { API_KEY: 'value-canary-81c2' } });
    await expect(decryptSopsYaml(update.text, { file: 'v.yaml', identities: before.identities })).rejects.toMatchObject({ code: 'no-matching-identity' });
    expect((await updateSopsRecipients(update.text, { file: 'v.yaml', identities: after.identities, recipients: [after.recipient] })).text).toBe(update.text);
  });
});
