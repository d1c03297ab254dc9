// git-fixture builds what its YAML says, moves refs, and explains a mismatch file by file.
import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, FixtureMismatchError, FixtureSpecError, type GitFixture } from './index.ts';

const YAML = `
commits:
  - name: base
    message: Initial
    files:
      dev/version/shop/cart.yaml: |
        version: "1.0"
      dev/locks.yaml: "env_lock: null\\n"
  - name: head
    files:
      dev/version/shop/cart.yaml: |
        version: "1.1"
      dev/locks.yaml: null
  - name: side
    parent: base
    message: "Side branch\\n\\nCascade-Type: Lock"
    files:
      bin/run: { executable: "#!/bin/sh\\n" }
      link: { symlink: dev/locks.yaml }
      blob.bin: { base64: "AAEC/w==" }
`;

const fixtures: GitFixture[] = [];
async function fixture(input: Parameters<typeof createFixture>[0]): Promise<GitFixture> {
  const created = await createFixture(input);
  fixtures.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.cleanup()));
});

describe('createFixture', () => {
  it('builds each commit on its parent, with deletions, and points the branch at the last commit', async () => {
    const fx = await fixture(YAML);
    expect(await fx.readRef('main')).toBe(fx.commits.side);
    const parents = (await fx.git('rev-list', '--parents', '-n1', fx.commits.head ?? '')).trim().split(' ');
    expect(parents).toEqual([fx.commits.head, fx.commits.base]);
    const sideParents = (await fx.git('rev-list', '--parents', '-n1', fx.commits.side ?? '')).trim().split(' ');
    expect(sideParents[1]).toBe(fx.commits.base);
    expect(await fx.git('ls-tree', '-r', '--name-only', fx.commits.head ?? '')).toBe('dev/version/shop/cart.yaml\n');
    expect(await fx.git('log', '-1', '--format=%B', fx.commits.base ?? '')).toBe('Initial\n\n');
  });

  it('writes executables, symlinks and binary content with their modes', async () => {
    const fx = await fixture(YAML);
    const tree = await fx.git('ls-tree', '-r', fx.commits.side ?? '');
    expect(tree).toMatch(/^100755 blob \w+\tbin\/run$/m);
    expect(tree).toMatch(/^120000 blob \w+\tlink$/m);
    const bytes = await fx.git('cat-file', '-p', `${fx.commits.side}:blob.bin`);
    expect(Buffer.from(bytes, 'latin1').length).toBeGreaterThan(0);
    expect((await fx.git('cat-file', '-s', `${fx.commits.side}:blob.bin`)).trim()).toBe('4');
    expect(await fx.readFile('main', 'link')).toBe('dev/locks.yaml');
  });

  it('gives the same commit ids for the same YAML, so expectations can name them', async () => {
    const [a, b] = [await fixture(YAML), await fixture(YAML)];
    expect(a.commits).toEqual(b.commits);
    expect(a.remote).not.toBe(b.remote);
  });

  it('honours head, branch and extra refs', async () => {
    const fx = await fixture({ branch: 'trunk', head: 'base', refs: { 'refs/heads/feature': 'head' }, commits: [{ name: 'base', files: { a: '1' } }, { name: 'head', files: { a: '2' } }] });
    expect(await fx.readRef('trunk')).toBe(fx.commits.base);
    expect(await fx.readRef('feature')).toBe(fx.commits.head);
    expect((await fx.git('symbolic-ref', 'HEAD')).trim()).toBe('refs/heads/trunk');
  });

  it('moves refs to named commits and asserts trees', async () => {
    const fx = await fixture(YAML);
    await fx.setRef('main', 'head');
    await fx.assertRefMatches('main', 'head');
    await fx.setRef('refs/heads/other', 'base');
    await fx.assertRefMatches('other', 'base');
  });

  it('explains a mismatch per file with a unified diff', async () => {
    const fx = await fixture(YAML);
    await fx.setRef('main', 'head');
    const error = await fx.assertRefMatches('main', 'base').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FixtureMismatchError);
    const mismatch = error as FixtureMismatchError;
    expect(mismatch.code).toBe('fixture-mismatch');
    expect(mismatch.data.actualCommit).toBe(fx.commits.head);
    expect(mismatch.message).toContain('missing in actual: dev/locks.yaml');
    expect(mismatch.message).toContain('differs: dev/version/shop/cart.yaml');
    expect(mismatch.message).toContain('-version: "1.0"');
    expect(mismatch.message).toContain('+version: "1.1"');
  });

  it('reports a missing ref as a mismatch', async () => {
    const fx = await fixture(YAML);
    await expect(fx.assertRefMatches('nope', 'base')).rejects.toBeInstanceOf(FixtureMismatchError);
  });

  it('refuses unknown parents, repeated names and deleting what is not there', async () => {
    await expect(createFixture({ commits: [{ name: 'a', parent: 'b' }] })).rejects.toMatchObject({ code: 'fixture-spec', data: { commit: 'a', field: 'parent' } });
    await expect(createFixture({ commits: [{ name: 'a' }, { name: 'a' }] })).rejects.toBeInstanceOf(FixtureSpecError);
    await expect(createFixture({ commits: [{ name: 'a', files: { x: null } }] })).rejects.toMatchObject({ data: { field: 'files.x' } });
  });

  it('removes its temp dir on cleanup', async () => {
    const { existsSync } = await import('node:fs');
    const fx = await createFixture(YAML);
    await fx.cleanup();
    expect(existsSync(fx.dir)).toBe(false);
  });
});
