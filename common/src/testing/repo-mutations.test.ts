import { describe, expect, it } from 'vitest';
import { checkFixtureSpec } from '@cascade/git-fixture';
import { repoFilesFromText } from '../repo/files.ts';
import { fixtureFiles } from './fixture-files.ts';
import { describeMutations, heldEnvironments, mutateRepo, touchedResources } from './repo-mutations.ts';

const repo = repoFilesFromText('c', {
  'deployers.yaml': 'deployers:\n  dev: { target: local }\n',
  'dev/base/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { v: $version }\n',
  'dev/version/app.yaml': 'version: "1"\nimage: reg/app:1\n',
  'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
});

describe('mutateRepo', () => {
  it('gives the same mutations for the same seed and leaves the original alone', () => {
    const before = [...repo.files.values()].map((f) => f.oid);
    expect(describeMutations(mutateRepo(repo, 7))).toBe(describeMutations(mutateRepo(repo, 7)));
    expect([...repo.files.values()].map((f) => f.oid)).toEqual(before);
  });

  it('records the resources it touched and the environments whose structure it broke', () => {
    const mutated = mutateRepo(repo, 1, { count: 1 });
    const [mutation] = mutated.mutations;
    expect(mutation).toBeDefined();
    for (const r of mutation?.resources ?? []) expect(touchedResources(mutated)).toContain(`${r.env}/${r.name}`);
    expect([...heldEnvironments(mutated)]).toEqual(mutation?.holds);
  });

  it('with gitSafe, only makes what a git fixture can commit', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const mutated = mutateRepo(repo, seed, { gitSafe: true });
      const files = fixtureFiles(repo, mutated);
      expect(() => checkFixtureSpec({ commits: [{ name: 'mutated', files }] }), describeMutations(mutated)).not.toThrow();
      for (const path of Object.keys(files)) expect(path).not.toContain('\0');
    }
  });

  it('gives deletions as null and symlinks with their targets', () => {
    const seed = Array.from({ length: 500 }, (_, i) => i + 1).find((s) => mutateRepo(repo, s, { gitSafe: true, count: 1 }).mutations[0]?.kind === 'folder-to-file');
    const mutated = mutateRepo(repo, seed ?? 0, { gitSafe: true, count: 1 });
    const files = fixtureFiles(repo, mutated);
    const removed = mutated.mutations[0]?.paths.slice(1) ?? [];
    expect(removed.length).toBeGreaterThan(0);
    for (const path of removed) expect(files[path]).toBeNull();
    const folder = mutated.mutations[0]?.paths[0] ?? '';
    expect(files[folder]).toEqual(mutated.symlinkTargets[folder] ? { symlink: mutated.symlinkTargets[folder] } : expect.any(String));
  });
});
