// The one way Cascade starts git: argv only (never a shell), no terminal prompts, a timeout, stderr kept for the error.
import { spawn } from 'node:child_process';
import { GitCommandError, redactCredentials } from './errors.ts';
import { GIT_ENVIRONMENT, GitSpawnServer, type DirectGit, type GitSession, type SessionHandlers, type SessionRequest, type SpawnReply, type SpawnRequest } from './spawn-server.ts';

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

// Read once: copying the process's environment goes through a native call per variable, and git runs often.
let baseEnvironment: NodeJS.ProcessEnv | undefined;

/** Environment for every git child: never wait for a password on a terminal, and print messages we can parse. */
export function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  baseEnvironment ??= { ...process.env, ...GIT_ENVIRONMENT };
  return { ...baseEnvironment, ...extra };
}

/** Starts git from this process itself (the spawn server's fallback, and the side-by-side benchmark's baseline). */
export function spawnGitDirectly(request: SpawnRequest): Promise<SpawnReply> {
  return new Promise((resolve) => {
    let settled = false;
    const answer = (reply: SpawnReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const child = spawn('git', request.args, { cwd: request.cwd, env: gitEnvironment(request.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, request.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits before reading all of stdin raises EPIPE here; its exit code tells the real story.
    child.stdin.on('error', () => {});
    child.on('error', (error) => answer({ error: error.message }));
    const done = (exitCode: number | null) => answer({ exitCode, timedOut, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
    child.on('close', done);
    // A killed git's own children may hold its output open for long: a timeout is answered when git itself is gone.
    child.on('exit', (exitCode) => timedOut && done(exitCode));
    child.stdin.end(request.input ?? '');
  });
}

/** Starts a git session from this process itself (the spawn server's fallback). */
export function startGitSessionDirectly(request: SessionRequest, handlers: SessionHandlers): GitSession {
  const last = Math.max(2, ...request.outputs);
  const stdio: Array<'pipe' | 'ignore'> = ['pipe'];
  for (let fd = 1; fd <= last; fd++) stdio.push(request.outputs.includes(fd) ? 'pipe' : 'ignore');
  const child = spawn('git', request.args, { cwd: request.cwd, env: gitEnvironment(), stdio });
  let ended = false;
  const exit = (result: Parameters<SessionHandlers['exit']>[0]) => {
    if (ended) return;
    ended = true;
    handlers.exit(result);
  };
  for (const fd of request.outputs) child.stdio[fd]?.on('data', (chunk: Buffer) => handlers.data(fd, chunk));
  child.stdin?.on('error', () => {});
  child.on('error', (error) => exit({ error: error.message }));
  child.on('close', (exitCode) => exit({ exitCode }));
  return {
    write: (bytes) => void child.stdin?.write(bytes),
    end: (bytes) => void (bytes === undefined ? child.stdin?.end() : child.stdin?.end(bytes)),
    kill: () => void child.kill('SIGKILL'),
  };
}

/** Git started without the spawn server. */
export const directGit: DirectGit = { run: spawnGitDirectly, session: startGitSessionDirectly };

/** The process's spawn server: started with the first git command, while a service is still small. */
const spawnServer = new GitSpawnServer(directGit);

/** Starts a long-lived git process (fast-import) through the spawn server. */
export function startGitSession(request: SessionRequest, handlers: SessionHandlers): GitSession {
  return spawnServer.session(request, handlers);
}

/** Runs `git <args>` and resolves with its output, or rejects with a GitCommandError naming the command. */
export async function runGit(args: string[], options: RunGitOptions): Promise<RunGitResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  const reply = await spawnServer.run({ args, cwd: options.cwd, ...(options.env ? { env: options.env } : {}), ...(options.input !== undefined ? { input: options.input } : {}), timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  if ('error' in reply) throw commandError(args, null, reply.error, false);
  const { exitCode, stdout, stderr, timedOut } = reply;
  if (timedOut || exitCode === null || !okExitCodes.includes(exitCode)) throw commandError(args, exitCode, stderr, timedOut);
  return { stdout, stderr, exitCode };
}

/** The GitCommandError for a failed command, with credentials cut out of its arguments and output. */
export function commandError(args: string[], exitCode: number | null, stderr: string, timedOut: boolean): GitCommandError {
  return new GitCommandError({ args: args.map(redactCredentials), exitCode, stderr: redactCredentials(stderr), timedOut });
}
