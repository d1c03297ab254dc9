// A mutated repo as the file changes of one git-fixture commit, so integration fuzz tests can push it to a real remote.
import type { FixtureFileContent } from '@cascade/git-fixture';
import type { RepoFiles } from '../repo/files.ts';
import type { MutatedRepo } from './repo-mutations.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The changes that turn `original` into the mutated repo, as a git-fixture commit's `files`: text, base64 for
 * bytes that are not UTF-8, symlinks with their targets, filler of the recorded size for oversized files, null
 * for deletions. Throws on a submodule, which fixtures cannot hold: mutate with `gitSafe: true`.
 */
export function fixtureFiles(original: RepoFiles, mutated: MutatedRepo): Record<string, FixtureFileContent> {
  const changes: Record<string, FixtureFileContent> = {};
  for (const path of original.files.keys()) if (!mutated.files.files.has(path)) changes[path] = null;
  for (const [path, file] of mutated.files.files) {
    const before = original.files.get(path);
    if (before && before.oid === file.oid && before.kind === file.kind) continue;
    if (file.kind === 'submodule') throw new Error(`${path} is a submodule, which a git fixture cannot hold; mutate with gitSafe: true`);
    if (file.kind === 'symlink') {
      changes[path] = { symlink: mutated.symlinkTargets[path] ?? '../missing' };
    } else if (file.content === undefined) {
      changes[path] = { base64: Buffer.alloc(file.size, '#').toString('base64') };
    } else {
      changes[path] = textOrBase64(file.content);
    }
  }
  return changes;
}

/** UTF-8 content as text, anything else as base64. */
function textOrBase64(content: Uint8Array): FixtureFileContent {
  try {
    return decoder.decode(content);
  } catch {
    return { base64: Buffer.from(content).toString('base64') };
  }
}
