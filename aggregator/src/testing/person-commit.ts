// A person's commit with plain git, for tests of what the aggregator keeps of hand edits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GitFixture } from '@cascade/git-fixture';

/** Commits `files` (path → text) on top of the remote's main and pushes them, as a person would; returns the commit. */
export async function commitAsPerson(fx: GitFixture, files: Record<string, string>, message: string): Promise<string> {
  const clone = await fx.clone();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    writeFileSync(join(clone, path), text);
    git('add', path);
  }
  git('commit', '--quiet', '-m', message);
  git('push', '--quiet', 'origin', 'HEAD:main');
  return git('rev-parse', 'HEAD').trim();
}
