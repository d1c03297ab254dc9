// The fixture format: a YAML list of named commits, each a set of file changes on top of its parent. Pure checks, no git.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Content of one file in a fixture commit: text, `null` to delete, or a binary, executable or symlink entry. */
export type FixtureFileContent = string | null | { base64: string } | { executable: string } | { symlink: string };

/** One named commit: changes on top of its parent (default: the previous commit in the list; `null`: a root commit). */
export interface FixtureCommit {
  name: string;
  message?: string;
  parent?: string | null;
  files?: Record<string, FixtureFileContent>;
  author?: { name: string; email: string };
}

/** A whole fixture: commits in order, the branch to create, and which commit it and other refs point at. */
export interface FixtureSpec {
  commits: FixtureCommit[];
  /** Branch of the remote (also its HEAD); default `main`. */
  branch?: string;
  /** Commit the branch points at after creation; default: the last commit. */
  head?: string;
  /** Further refs to create, e.g. `{ refs/heads/feature: base }`. */
  refs?: Record<string, string>;
}

/** A file entry as fast-import needs it. */
export interface FixtureEntry {
  mode: '100644' | '100755' | '120000';
  content: Buffer;
}

/** A fixture that names a missing parent, repeats a name, deletes what is not there, or is not shaped as documented. */
export class FixtureSpecError extends Error {
  readonly code = 'fixture-spec';
  constructor(readonly data: { commit?: string; field: string; reason: string }) {
    super(`git fixture${data.commit ? ` commit "${data.commit}"` : ''}, ${data.field}: ${data.reason}`);
    this.name = 'FixtureSpecError';
  }
}

/** Accepts YAML text, a path to a `.yaml`/`.yml` file, or an object, and returns the checked spec. */
export function loadFixtureSpec(input: string | FixtureSpec): FixtureSpec {
  if (typeof input !== 'string') return checkFixtureSpec(input);
  const isPath = !input.includes('\n') && /\.ya?ml$/.test(input.trim());
  return checkFixtureSpec(parse(isPath ? readFileSync(input.trim(), 'utf8') : input) as FixtureSpec);
}

/** Checks names, parents and file entries; throws a FixtureSpecError naming the commit and field. */
export function checkFixtureSpec(spec: FixtureSpec): FixtureSpec {
  if (!spec || !Array.isArray(spec.commits) || spec.commits.length === 0) throw new FixtureSpecError({ field: 'commits', reason: 'a non-empty list is required' });
  const seen = new Set<string>();
  for (const commit of spec.commits) {
    if (typeof commit?.name !== 'string' || commit.name === '') throw new FixtureSpecError({ field: 'name', reason: 'every commit needs a name' });
    if (seen.has(commit.name)) throw new FixtureSpecError({ commit: commit.name, field: 'name', reason: 'the name is used twice' });
    if (typeof commit.parent === 'string' && !seen.has(commit.parent)) {
      throw new FixtureSpecError({ commit: commit.name, field: 'parent', reason: `"${commit.parent}" is not an earlier commit` });
    }
    for (const [path, value] of Object.entries(commit.files ?? {})) toEntry(commit.name, path, value);
    seen.add(commit.name);
  }
  for (const [field, target] of [['head', spec.head], ...Object.entries(spec.refs ?? {}).map(([ref, name]) => [`refs.${ref}`, name])]) {
    if (target !== undefined && !seen.has(target)) throw new FixtureSpecError({ field: field ?? 'head', reason: `"${target}" is not a commit of this fixture` });
  }
  return spec;
}

/** Turns one `files` value into mode and bytes (null for a deletion). */
export function toEntry(commit: string, path: string, value: FixtureFileContent): FixtureEntry | null {
  if (value === null) return null;
  if (typeof value === 'string') return { mode: '100644', content: Buffer.from(value, 'utf8') };
  if (typeof value === 'object') {
    if ('symlink' in value && typeof value.symlink === 'string') return { mode: '120000', content: Buffer.from(value.symlink, 'utf8') };
    if ('executable' in value && typeof value.executable === 'string') return { mode: '100755', content: Buffer.from(value.executable, 'utf8') };
    if ('base64' in value && typeof value.base64 === 'string') return { mode: '100644', content: Buffer.from(value.base64, 'base64') };
  }
  throw new FixtureSpecError({ commit, field: `files.${path}`, reason: 'use text, null, { base64 }, { executable } or { symlink }' });
}
