// Who set an encrypted value: the oldest commit holding its exact text, so a transition's copy keeps the original setter.
import { describe, expect, it } from 'vitest';
import { parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { CommitInfo, LogOptions } from '@cascade/common/git';
import { encryptedValuesOf, SecretOrigins } from './secret-origins.ts';
import { withoutSecretKeys } from '../state/secret-keys.ts';

const enc = (n: number) => `ENC[AES256_GCM,data:${'A'.repeat(n)}==,iv:${'B'.repeat(43)}=,tag:${'C'.repeat(22)}==,type:str]`;
const versionFile = (version: string, value: string) => `version: "${version}"\nsecrets:\n  API_KEY: ${value}\nsops:\n  mac: ${enc(1)}\n  lastmodified: "2026-05-06T07:08:09Z"\n`;
const base = 'kind: ConfigMap\nmetadata: { name: cart }\ndata: { key: "${secrets.API_KEY}" }\n';

/** A commit of the fake log: who, and the version files it changed (path → blob id). */
function commit(id: string, author: string, changes: Record<string, string>): CommitInfo {
  return {
    commit: id,
    parents: [],
    author: { name: author, email: `${author}@example.com` },
    time: `2026-05-0${id.length}T00:00:00Z`,
    committedAt: '',
    subject: id,
    body: '',
    trailers: [],
    changes: Object.entries(changes).map(([path, blob]) => ({ path, status: 'M' as const, blob })),
  };
}

describe('SecretOrigins', () => {
  it('names the push that set a value, in every environment the value was copied to', async () => {
    const [old, pushed] = [enc(8), enc(12)];
    const files = { 'latest/base/cart.yaml': base, 'dev/base/cart.yaml': base, 'latest/version/cart.yaml': versionFile('2', pushed), 'dev/version/cart.yaml': versionFile('2', pushed) };
    const snapshot = parseSnapshot(repoFilesFromText('head', files));
    const blobs: Record<string, string> = { b0: versionFile('1', old), b1: versionFile('2', pushed), b2: versionFile('2', pushed), b3: 'not: related\n' };
    // Newest first: a transition copying to dev, an unrelated commit, the push in latest, an older push.
    const log = [commit('c4444', 'transitioner', { 'dev/version/cart.yaml': 'b2' }), commit('c333', 'someone', { 'dev/version/cart.yaml': 'b3' }), commit('c22', 'ci-bot', { 'latest/version/cart.yaml': 'b1' }), commit('c1', 'ci-bot', { 'latest/version/cart.yaml': 'b0' })];
    const asked: LogOptions[] = [];
    const origins = new SecretOrigins({ log: async (options) => (asked.push(options), log), readBlob: async (oid) => new TextEncoder().encode(blobs[oid]) });
    await origins.update(snapshot);
    expect(origins.originOf(pushed)).toEqual({ commit: 'c22', author: 'ci-bot', time: '2026-05-03T00:00:00Z' });
    expect(asked).toEqual([expect.objectContaining({ from: 'head', limit: 200, paths: expect.arrayContaining(['latest/version/cart.yaml', 'dev/version/cart.yaml']) })]);
    // Known values are not looked up again.
    await origins.update(snapshot);
    expect(asked).toHaveLength(1);
    const dev = snapshot.environments.get('dev')!.resources.get('cart')!;
    expect([...origins.valuesOf(snapshot, dev)]).toEqual([['secrets.API_KEY', pushed]]);
  });

  it('after a commit whose changes are known, reads only the files it changed, and every file when they are not', async () => {
    const [first, pushed, unlisted] = [enc(8), enc(12), enc(16)];
    const texts = { 'latest/base/cart.yaml': base, 'dev/base/cart.yaml': base, 'latest/version/cart.yaml': versionFile('1', first), 'dev/version/cart.yaml': versionFile('1', first) };
    const log = [commit('c22', 'ci-bot', { 'latest/version/cart.yaml': 'b1', 'dev/version/cart.yaml': 'b2' }), commit('c1', 'ci-bot', { 'latest/version/cart.yaml': 'b0', 'dev/version/cart.yaml': 'b0' })];
    const blobs: Record<string, string> = { b0: versionFile('1', first), b1: versionFile('2', pushed), b2: versionFile('2', unlisted) };
    const asked: LogOptions[] = [];
    const origins = new SecretOrigins({ log: async (options) => (asked.push(options), log), readBlob: async (oid) => new TextEncoder().encode(blobs[oid]) });
    await origins.update(parseSnapshot(repoFilesFromText('c1', texts)));
    expect(origins.originOf(first)?.commit).toBe('c1');
    // The next commit changed both files, but says it changed only latest's: dev's new value is not read yet.
    const next = repoFilesFromText('c22', { ...texts, 'latest/version/cart.yaml': versionFile('2', pushed), 'dev/version/cart.yaml': versionFile('2', unlisted) });
    await origins.update(parseSnapshot({ ...next, changes: { since: 'c1', paths: ['latest/version/cart.yaml'] } }));
    expect(origins.originOf(pushed)?.commit).toBe('c22');
    expect(asked.at(-1)).toMatchObject({ from: 'c22', paths: expect.arrayContaining(['latest/version/cart.yaml', 'dev/version/cart.yaml']) });
    expect(origins.originOf(unlisted)).toBeUndefined();
    // Changes since a commit it did not take, or none at all: every file is read again.
    await origins.update(parseSnapshot({ ...next, commit: 'c333', changes: { since: 'c0ffee', paths: [] } }));
    expect(origins.originOf(unlisted)?.commit).toBe('c22');
  });

  it('reads encrypted values by key path and leaves the sops block out', () => {
    expect([...encryptedValuesOf(`a: plain\nlist:\n  - ${enc(4)}\nsecrets:\n  X: ${enc(4)}\nsops:\n  mac: ${enc(4)}\n`)]).toEqual([
      ['list[0]', enc(4)],
      ['secrets.X', enc(4)],
    ]);
  });
});

describe('withoutSecretKeys', () => {
  it('drops encrypted keys and maps they empty, keeping order and other keys', () => {
    expect(withoutSecretKeys({ version: '1', secrets: { A: '(secret)' }, config: { B: '(secret)', C: 'c' }, image: 'i' }, ['secrets.A', 'config.B'])).toEqual({ version: '1', config: { C: 'c' }, image: 'i' });
    expect(Object.keys(withoutSecretKeys({ a: 1, s: { x: 1 }, z: 2 }, ['s.x']))).toEqual(['a', 'z']);
  });
});
