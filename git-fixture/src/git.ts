// Runs git for fixtures: argv only, no prompts, fails loudly with the command and its stderr.
import { execFile } from 'node:child_process';

/** Runs git in `cwd` and returns stdout; rejects with the command line and stderr. */
export function git(cwd: string, args: string[], input?: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => (error ? reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || error.message}`)) : resolve(stdout)),
    );
    // Commands that never read stdin may exit before it is written; their exit status is what counts.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}
