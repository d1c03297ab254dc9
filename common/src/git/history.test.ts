import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { heapAfterCollection } from '../testing/retained.ts';
import { removeDir } from '../testing/git-helpers.ts';
import { readLog } from './history.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A repository whose one commit has a message of `bytes` bytes. */
function repoWithLongMessage(bytes: number): { gitDir: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-history-'));
  dirs.push(dir);
  const git = (args: string[], input?: string) => execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@cascade.test', ...args], { encoding: 'utf8', input, maxBuffer: 2 * bytes });
  git(['init', '--quiet', '--initial-branch=main']);
  // The message from stdin: one this long does not fit an argument list.
  git(['commit', '--quiet', '--allow-empty', '--cleanup=verbatim', '-F', '-'], `Subject\n\n${'line of a long body\n'.repeat(bytes / 20)}`);
  return { gitDir: join(dir, '.git'), head: git(['rev-parse', 'HEAD']).trim() };
}

/** The id of the newest commit as readLog reads it; the rest of the page is dropped here. */
async function commitIdOnly(gitDir: string, head: string): Promise<string> {
  const [info] = await readLog(gitDir, head, { limit: 1 });
  // V8 keeps the last string a regular expression ran on (for RegExp.lastMatch): the message, a view of the log's
  // text. One string at a time, the next match anywhere replaces it; do that here so only what readLog hands out counts.
  /./.exec('x');
  return info!.commit;
}

describe('readLog', () => {
  it('hands out fields that keep nothing of git\'s output: a commit id kept from a long log does not keep the log', async () => {
    const bytes = 8 * 1024 * 1024;
    const { gitDir, head } = repoWithLongMessage(bytes);
    const before = heapAfterCollection();
    const commit = await commitIdOnly(gitDir, head);
    const kept = heapAfterCollection() - before;
    expect(commit).toBe(head);
    expect(kept).toBeLessThan(bytes / 2);
  });
});
