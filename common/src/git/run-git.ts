// The one way Cascade starts git: argv only (never a shell), no terminal prompts, a timeout, stderr kept for the error.
import { spawn } from 'node:child_process';
import { GitCommandError, redactCredentials } from './errors.ts';

/** How to run one git command. */
export interface RunGitOptions {
  /** Directory git runs in (`git -C`). */
  cwd: string;
  /** Bytes written to stdin, then stdin is closed. */
  input?: string | Uint8Array;
  /** Extra environment variables on top of the process's own. */
  env?: Record<string, string>;
  /** Kill git after this long; network commands need the most. Default 120 s. */
  timeoutMs?: number;
  /** Exit codes that are not failures (e.g. 1 for a rejected push, which the caller interprets). Default [0]. */
  okExitCodes?: number[];
}

/** What a finished git command printed. */
export interface RunGitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Environment for every git child: never wait for a password on a terminal, and print messages we can parse. */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C', ...extra };
}

/** Runs `git <args>` and resolves with its output, or rejects with a GitCommandError naming the command. */
export function runGit(args: string[], options: RunGitOptions): Promise<RunGitResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: gitEnvironment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits before reading all of stdin raises EPIPE here; its exit code tells the real story.
    child.stdin.on('error', () => {});
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(commandError(args, null, error.message, false));
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const stderrText = Buffer.concat(stderr).toString('utf8');
      if (timedOut || exitCode === null || !okExitCodes.includes(exitCode)) {
        reject(commandError(args, exitCode, stderrText, timedOut));
        return;
      }
      resolve({ stdout: Buffer.concat(stdout), stderr: stderrText, exitCode });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The GitCommandError for a failed command, with credentials cut out of its arguments and output. */
export function commandError(args: string[], exitCode: number | null, stderr: string, timedOut: boolean): GitCommandError {
  return new GitCommandError({ args: args.map(redactCredentials), exitCode, stderr: redactCredentials(stderr), timedOut });
}
