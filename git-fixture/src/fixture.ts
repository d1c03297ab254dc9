// createFixture: a bare repository in a fresh temp dir, built from a fixture spec, with refs to move and assertions on trees.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD_REF, fastImportStream } from './build.ts';
import { git } from './git.ts';
import { FixtureSpecError, loadFixtureSpec, type FixtureSpec } from './spec.ts';

/** A ref that does not match the expected commit's tree; the message lists each file and a unified diff (`-` expected, `+` actual). */
export class FixtureMismatchError extends Error {
  readonly code = 'fixture-mismatch';
  constructor(readonly data: { ref: string; expected: string; actualCommit: string | null; diff: string }) {
    super(`ref ${data.ref} does not match commit "${data.expected}":\n${data.diff}`);
    this.name = 'AssertionError';
  }
}

/** A git repository built from a fixture, alive until `cleanup()`. */
export interface GitFixture {
  /** The temp dir holding everything of this fixture. */
  dir: string;
  /** Path of the bare repository: use it as the remote URL. */
  remote: string;
  /** Branch the remote's HEAD names. */
  branch: string;
  /** Commit id per fixture commit name. */
  commits: Record<string, string>;
  /** Tree id per fixture commit name. */
  trees: Record<string, string>;
  /** Points a ref (`main` means `refs/heads/main`) at a named commit, creating it when needed. */
  setRef(ref: string, commitName: string): Promise<void>;
  /** The commit a ref points at, or null when it does not exist. */
  readRef(ref: string): Promise<string | null>;
  /** Throws FixtureMismatchError with a per-file diff unless the ref's tree equals the named commit's tree. */
  assertRefMatches(ref: string, commitName: string): Promise<void>;
  /** A file's text at a ref, or null when absent. */
  readFile(ref: string, path: string): Promise<string | null>;
  /** Runs git inside the bare repository and returns stdout. */
  git(...args: string[]): Promise<string>;
  /** A fresh non-bare clone of the remote with a committer identity, as a person would have. */
  clone(): Promise<string>;
  /** Removes the temp dir. */
  cleanup(): Promise<void>;
}

/** Builds a fixture from YAML text, a `.yaml` path or a spec object in a fresh temp dir. */
export async function createFixture(input: string | FixtureSpec): Promise<GitFixture> {
  const spec = loadFixtureSpec(input);
  const branch = spec.branch ?? 'main';
  const dir = await mkdtemp(join(tmpdir(), 'cascade-fixture-'));
  const remote = join(dir, 'remote.git');
  const run = (...args: string[]) => git(remote, args);
  try {
    await git(dir, ['init', '--bare', '--quiet', `--initial-branch=${branch}`, remote]);
    const marksFile = join(dir, 'marks');
    await git(remote, ['fast-import', '--quiet', '--done', '--force', '--date-format=raw', `--export-marks=${marksFile}`], fastImportStream(spec));
    await run('update-ref', '-d', BUILD_REF);
    const commits: Record<string, string> = {};
    const marks = await readMarks(marksFile);
    spec.commits.forEach((commit, index) => {
      const oid = marks.get(index + 1);
      if (!oid) throw new FixtureSpecError({ commit: commit.name, field: 'name', reason: 'fast-import did not create it' });
      commits[commit.name] = oid;
    });
    const trees: Record<string, string> = {};
    const treeLines = (await run('rev-parse', ...spec.commits.map((commit) => `${commits[commit.name]}^{tree}`))).trim().split('\n');
    spec.commits.forEach((commit, index) => (trees[commit.name] = treeLines[index] ?? ''));
    const commitOf = (name: string): string => {
      const oid = commits[name];
      if (!oid) throw new FixtureSpecError({ field: 'commit', reason: `"${name}" is not a commit of this fixture` });
      return oid;
    };
    const fullRef = (ref: string) => (ref === 'HEAD' || ref.startsWith('refs/') ? ref : `refs/heads/${ref}`);
    const readRef = async (ref: string) => (await run('rev-parse', '--verify', '--quiet', `${fullRef(ref)}^{commit}`).catch(() => '')).trim() || null;
    const fixture: GitFixture = {
      dir,
      remote,
      branch,
      commits,
      trees,
      setRef: async (ref, commitName) => void (await run('update-ref', fullRef(ref), commitOf(commitName))),
      readRef,
      async assertRefMatches(ref, commitName) {
        const expected = commitOf(commitName);
        const actual = await readRef(ref);
        if (actual === null) throw new FixtureMismatchError({ ref: fullRef(ref), expected: commitName, actualCommit: null, diff: '  the ref does not exist' });
        const actualTree = (await run('rev-parse', `${actual}^{tree}`)).trim();
        if (actualTree === trees[commitName]) return;
        const summary = await run('diff-tree', '-r', '--no-renames', '--name-status', expected, actual);
        const patch = await run('diff', '--no-color', '--no-ext-diff', '--no-renames', expected, actual);
        const files = summary.trim().split('\n').map((line) => `  ${describeStatus(line)}`).join('\n');
        throw new FixtureMismatchError({ ref: fullRef(ref), expected: commitName, actualCommit: actual, diff: `${files}\n\n${patch}` });
      },
      async readFile(ref, path) {
        const at = await readRef(ref);
        return at === null ? null : run('cat-file', 'blob', `${at}:${path}`).catch(() => null);
      },
      git: run,
      async clone() {
        const work = await mkdtemp(join(dir, 'clone-'));
        await git(work, ['clone', '--quiet', remote, '.']);
        await git(work, ['config', 'user.name', 'Fixture Person']);
        await git(work, ['config', 'user.email', 'person@fixture.test']);
        return work;
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
    await fixture.setRef(branch, spec.head ?? spec.commits[spec.commits.length - 1]?.name ?? '');
    for (const [ref, name] of Object.entries(spec.refs ?? {})) await fixture.setRef(ref, name);
    return fixture;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function readMarks(file: string): Promise<Map<number, string>> {
  const marks = new Map<number, string>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const match = /^:(\d+) ([0-9a-f]+)$/.exec(line);
    if (match?.[1] && match[2]) marks.set(Number(match[1]), match[2]);
  }
  return marks;
}

function describeStatus(line: string): string {
  const [status = '', path = ''] = line.split('\t');
  const word = { A: 'only in actual', D: 'missing in actual', M: 'differs', T: 'type differs' }[status[0] ?? ''] ?? status;
  return `${word}: ${path}`;
}
