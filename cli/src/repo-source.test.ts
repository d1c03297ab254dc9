import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { initBareRepo } from '@cascade/common/git';
import { loadRepoFiles } from './repo-source.ts';
import { CliError } from './errors.ts';

// HEAD names `trunk`; `main` points at an older commit, so reading the wrong branch shows.
const spec: FixtureSpec = {
  branch: 'trunk',
  commits: [
    { name: 'old', files: { 'dev/deployable/db.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: db }\n' } },
    { name: 'new', files: { 'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n' } },
  ],
  refs: { main: 'old' },
};

const text = (files: Awaited<ReturnType<typeof loadRepoFiles>>, path: string) => {
  const content = files.files.get(path)?.content;
  return content === undefined ? undefined : new TextDecoder().decode(content);
};

describe('loadRepoFiles', () => {
  let fixture: GitFixture;
  let scratch: string;
  beforeAll(async () => {
    fixture = await createFixture(spec);
    scratch = await mkdtemp(join(tmpdir(), 'cascade-repo-source-'));
  });
  afterAll(async () => {
    await fixture.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads a bare repository given by path at the branch its HEAD names, not its internal files', async () => {
    const files = await loadRepoFiles({ repo: fixture.remote });
    expect(files.commit).toBe(fixture.commits['new']);
    expect([...files.files.keys()].sort()).toEqual(['dev/deployable/db.yaml', 'dev/deployable/web.yaml']);
  });

  it('reads a bare repository given relative to the working directory', async () => {
    const files = await loadRepoFiles({ repo: 'remote.git' }, fixture.dir);
    expect(files.commit).toBe(fixture.commits['new']);
  });

  it('still reads another ref of a bare repository with --ref', async () => {
    const files = await loadRepoFiles({ repo: fixture.remote, ref: 'main' });
    expect(files.commit).toBe(fixture.commits['old']);
  });

  it('reads a working tree as it is on disk, uncommitted changes included and .git left out', async () => {
    const work = await fixture.clone();
    await writeFile(join(work, 'dev', 'deployable', 'web.yaml'), 'uncommitted: true\n');
    const files = await loadRepoFiles({ repo: work });
    expect(files.commit).toBe('working-tree');
    expect(text(files, 'dev/deployable/web.yaml')).toBe('uncommitted: true\n');
    expect([...files.files.keys()].some((path) => path.startsWith('.git'))).toBe(false);
  });

  it('reads the .git folder of a working tree as a git directory: its HEAD commit', async () => {
    const work = await fixture.clone();
    await writeFile(join(work, 'dev', 'deployable', 'web.yaml'), 'uncommitted: true\n');
    const files = await loadRepoFiles({ repo: join(work, '.git') });
    expect(files.commit).toBe(fixture.commits['new']);
    expect(text(files, 'dev/deployable/web.yaml')).toContain('kind: Service');
  });

  it('says a bare repository without commits has nothing to read', async () => {
    const empty = join(scratch, 'empty.git');
    await initBareRepo(empty, 'main');
    const error = await loadRepoFiles({ repo: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'repo-empty', message: expect.stringContaining(empty) });
  });

  it('says so when HEAD names a branch that does not exist', async () => {
    const other = await createFixture(spec);
    try {
      await other.git('symbolic-ref', 'HEAD', 'refs/heads/gone');
      const error = await loadRepoFiles({ repo: other.remote }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect(error).toMatchObject({ code: 'repo-empty', hint: expect.stringContaining('--ref') });
    } finally {
      await other.cleanup();
    }
  });
});
