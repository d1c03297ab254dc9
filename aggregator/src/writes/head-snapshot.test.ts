// The write plans decide on a parsed snapshot of exactly the head they are applied to, patched onto an earlier one so a
// write costs what changed; a resource or file with problems is never taken for absent.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, nextSnapshot, parseSnapshot, repoFilesFromText, UneditableFileError, type RepoFiles, type SnapshotWithFiles } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';
import { headSnapshot, type HeadSnapshots } from './head-snapshot.ts';
import { planLockChange } from './locks.ts';
import { planVersionPush } from './push-version.ts';
import { planRollback } from './rollback.ts';
import { planStagingWrite } from './stagings/plan-staging.ts';

const ci = { token: 'ci-bot', role: 'ci' as const, author: { name: 'ci-bot', email: 'ci-bot@cascade.invalid' } };
const operator = { ...ci, token: 'operator-bot', role: 'operator' as const };
const rules = { ciEnvironments: [] };
const RESOURCES = 300;

/** latest → prod, each with RESOURCES template resources at version 1.0. */
function manyResources(): Record<string, string> {
  const texts: Record<string, string> = { 'transitions.yaml': 'transitions:\n  prod: { source: latest, target: prod }\n' };
  for (const env of ['latest', 'prod']) {
    for (let i = 0; i < RESOURCES; i++) {
      texts[`${env}/base/svc-${i}.yaml`] = 'kind: ConfigMap\ndata: { v: $version }\n';
      texts[`${env}/version/svc-${i}.yaml`] = 'version: "1.0"\n';
    }
  }
  return texts;
}

/** Heads patched onto `previous` with `cache`, remembering each snapshot handed out. */
function patchedOnto(previous: SnapshotWithFiles, cache: Map<string, unknown>): HeadSnapshots & { derived: SnapshotWithFiles[] } {
  const derived: SnapshotWithFiles[] = [];
  const heads = (files: RepoFiles) => {
    const snapshot = nextSnapshot(previous, files, { cache });
    derived.push(snapshot);
    return snapshot;
  };
  return Object.assign(heads, { derived });
}

/** The refusal's code, or `accepted`. */
function refusal(write: () => unknown): string {
  try {
    write();
    return 'accepted';
  } catch (error) {
    if (error instanceof WriteRefusedError || error instanceof UneditableFileError) return error.code;
    throw error;
  }
}

describe('the snapshot a write plans against', () => {
  it('is patched onto the earlier snapshot: a push on a repo with many resources parses only the resources that changed', () => {
    const texts = manyResources();
    const previous = parseSnapshot(repoFilesFromText('c1', texts));
    // The head a write of a batch lands on: an earlier write of the batch changed svc-7.
    const current = repoFilesFromText('c2', { ...texts, 'latest/version/svc-7.yaml': 'version: "1.1"\n' });
    const cache = new Map<string, unknown>();
    const heads = patchedOnto(previous, cache);

    const edit = planVersionPush({ resource: 'svc-3', version: '2.0', env: 'latest', fields: {}, requester: ci }, rules, heads).write(current);

    expect(edit?.changes).toEqual({ 'latest/version/svc-3.yaml': 'version: "2.0"\n' });
    const [snapshot] = heads.derived;
    expect(snapshot?.commit).toBe('c2');
    expect(snapshot?.environments.get('latest')?.resources.get('svc-7')?.version?.version).toBe('1.1');
    // A full parse makes every environment and resource anew and parses every file; the patch redid svc-7 alone.
    expect(snapshot?.environments.get('prod')).toBe(previous.environments.get('prod'));
    expect(snapshot?.environments.get('latest')?.resources.get('svc-3')).toBe(previous.environments.get('latest')?.resources.get('svc-3'));
    expect([...cache.keys()]).toEqual([expect.stringContaining('latest/version/svc-7.yaml')]);
  });

  it('is of the head the write is applied to, not of the earlier snapshot it was patched from', () => {
    const texts = manyResources();
    const previous = parseSnapshot(repoFilesFromText('c1', texts));
    const locked = repoFilesFromText('c2', { ...texts, 'latest/locks.yaml': 'resource_locks:\n  svc-3: { reasons: [incident] }\n' });
    const push = () => planVersionPush({ resource: 'svc-3', version: '2.0', env: 'latest', fields: {}, requester: ci }, rules, patchedOnto(previous, new Map())).write(locked);
    expect(refusal(push)).toBe('resource-locked');
  });

  it('is derived once per head in a batch, and again once a write moved the head', () => {
    const files = repoFilesFromText('c1', manyResources());
    const context = { memo: new Map<string, unknown>() };
    let derivations = 0;
    const heads: HeadSnapshots = (current) => {
      derivations++;
      return parseSnapshot(current);
    };
    const first = headSnapshot(files, context, heads);
    expect(headSnapshot(files, context, heads)).toBe(first);
    headSnapshot({ ...files, commit: 'c2' }, context, heads);
    expect(derivations).toBe(2);
  });
});

describe('a resource or file with problems is not absent', () => {
  it('pushes into the version file of a resource that is also a deployable, and rolls back one that also has a base', () => {
    const tree = repoFilesFromText('c1', {
      'latest/deployable/both.yaml': 'kind: ConfigMap\n',
      'latest/version/both.yaml': 'version: "1.0"\n',
      'latest/deployable/twice.yaml': 'kind: ConfigMap\n',
      'latest/base/twice.yaml': 'kind: ConfigMap\n',
    });
    expect(parseSnapshot(tree).environments.get('latest')?.resources.get('both')).toMatchObject({ source: { kind: 'deployable' }, problems: [{ code: 'duplicate-resource' }] });
    const push = planVersionPush({ resource: 'both', version: '1.1', env: 'latest', fields: {}, requester: operator }, rules).write(tree);
    expect(push?.changes).toEqual({ 'latest/version/both.yaml': 'version: "1.1"\n' });
    const rollback = planRollback({ env: 'latest', resource: 'twice', restore: { commit: 'c0', text: 'version: "0.9"\n', version: '0.9' }, requester: operator }).write(tree);
    expect(Object.keys(rollback?.changes ?? {}).sort()).toEqual(['latest/locks.yaml', 'latest/version/twice.yaml']);
  });

  it('refuses a push or an unlock on a locks.yaml Cascade cannot read, naming the file, where the snapshot reads an environment lock', () => {
    const tree = repoFilesFromText('c1', { 'latest/base/cart.yaml': 'kind: ConfigMap\n', 'latest/version/cart.yaml': 'version: "1.0"\n' });
    const oversized = { ...tree, files: new Map(tree.files) };
    oversized.files.set('latest/locks.yaml', { path: 'latest/locks.yaml', kind: 'file', oid: 'b'.repeat(40), size: MAX_FILE_BYTES + 1 });
    const symlink = { ...tree, files: new Map(tree.files) };
    symlink.files.set('latest/locks.yaml', { path: 'latest/locks.yaml', kind: 'symlink', oid: 'c'.repeat(40), size: 12 });
    expect(parseSnapshot(symlink).environments.get('latest')?.locks.envReasons).toEqual([expect.stringContaining('latest/locks.yaml')]);

    const push = (files: RepoFiles) => () => planVersionPush({ resource: 'cart', version: '1.1', env: 'latest', fields: {}, requester: operator, lockOverride: 'hotfix' }, rules).write(files);
    expect([refusal(push(oversized)), refusal(push(symlink))]).toEqual(['file-too-large', 'uneditable-file']);
    const unlockRetired = (files: RepoFiles) => () => planLockChange({ action: 'unlock', env: 'latest', resource: 'retired', requester: operator }).write(files);
    expect([refusal(unlockRetired(oversized)), refusal(unlockRetired(tree))]).toEqual(['file-too-large', 'unknown-resource']);
  });

  it('keeps the name of a staging whose file cannot be read taken, with the staging itself absent', () => {
    const tree = repoFilesFromText('c1', {
      'stagings.yaml': 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}" }\n',
      'dev/base/cart.yaml': 'kind: ConfigMap\n',
    });
    tree.files.set('stagings/broken.yaml', { path: 'stagings/broken.yaml', kind: 'symlink', oid: 'd'.repeat(40), size: 12 });
    const request = (action: 'create' | 'update') => () =>
      planStagingWrite({ action, target: { name: 'broken' }, kind: 'feature', settings: { tag: 't1' }, requester: operator, now: new Date('2030-01-01T00:00:00Z'), archivePending: new Set() }).write(tree);
    expect([refusal(request('create')), refusal(request('update'))]).toEqual(['staging-exists', 'unknown-staging']);
  });
});
