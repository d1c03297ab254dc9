// Helpers for the git layer's own tests: a person's clone that commits and pushes with plain git.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepoFiles } from '../repo/files.ts';

/** Commits one file in `clone` on top of the remote's newest head and pushes it, synchronously, like a person would. */
export function pushAsPerson(clone: string, path: string, content: string, branch = 'main'): string {
  const run = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  run('fetch', '--quiet', 'origin');
  run('reset', '--quiet', '--hard', `origin/${branch}`);
  execFileSync('sh', ['-c', 'mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"', 'sh', path, content], { cwd: clone });
  run('add', path);
  run('commit', '--quiet', '-m', `person edits ${path}`);
  run('push', '--quiet', 'origin', `HEAD:${branch}`);
  return run('rev-parse', 'HEAD').trim();
}

/** A fresh temp dir for a cache clone; remove it with `rmSync(dir, { recursive: true })`. */
export function tempCacheDir(): string {
  return mkdtempSync(join(tmpdir(), 'cascade-git-cache-'));
}

/** Removes a temp dir made by tempCacheDir. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The text of a file in a RepoFiles view, or undefined. */
export function text(files: RepoFiles, path: string): string | undefined {
  const content = files.files.get(path)?.content;
  return content ? new TextDecoder().decode(content) : undefined;
}
