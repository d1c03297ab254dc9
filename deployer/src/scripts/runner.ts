// Runs one control script: from the target's directory only, argv only, with a timeout and bounded output.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@cascade/common/service';
import { SCRIPT_ACTIONS } from './state-machine.ts';
import type { ScriptAction } from './state-machine.ts';

/** How the deployer may call the scripts of one target. */
export interface ScriptRunnerOptions {
  /** Absolute directory holding the executables, from the deployer's config (never from the repo). */
  dir: string;
  /** Time limit of one call; the whole process group is killed when it runs out. */
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the rest is dropped and marked. */
  maxOutputBytes?: number;
  /** Extra environment for the scripts; the deployer's own environment is not passed on, so its secrets stay with it. */
  env?: Record<string, string>;
  clock: Clock;
}

/** What one call did: exit code, output and duration, kept as the action's log. */
export interface ScriptRun {
  action: ScriptAction;
  args: string[];
  /** ISO 8601 start time. */
  startedAt: string;
  durationMs: number;
  /** Null when the process did not exit by itself (killed, or it could not start). */
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Why the script could not start, e.g. it is missing or not executable. */
  startError?: string;
}

/** Thrown for an action name that is not part of the contract, e.g. one holding `/`. */
export class ScriptNameError extends Error {
  readonly code = 'invalid-script-name';
  constructor(readonly data: { name: string }) {
    super(`"${data.name}" is not a control script name (expected one of ${SCRIPT_ACTIONS.join(', ')})`);
    this.name = 'ScriptNameError';
  }
}

const DEFAULT_MAX_OUTPUT = 64 * 1024;
// Only what a script needs to find its tools; everything else comes from the target config.
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** Runs `action` with `args` and resolves with its log; never rejects for a failing script, only for a bad name. */
export async function runScript(options: ScriptRunnerOptions, action: ScriptAction, args: string[]): Promise<ScriptRun> {
  if (!(SCRIPT_ACTIONS as readonly string[]).includes(action) || action.includes('/')) throw new ScriptNameError({ name: action });
  const file = join(options.dir, action);
  const startedAt = options.clock.now().toISOString();
  const started = performance.now();
  const finish = (rest: Omit<ScriptRun, 'action' | 'args' | 'startedAt' | 'durationMs'>): ScriptRun => ({
    action, args, startedAt, durationMs: Math.round(performance.now() - started), ...rest,
  });
  try {
    await access(file, constants.X_OK);
  } catch {
    return finish({ exitCode: null, timedOut: false, stdout: '', stderr: '', startError: `${file} is missing or not executable` });
  }
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, options.env);

  return new Promise((resolve) => {
    // shell: false and an argv array: a tag like `$(touch x)` reaches the script as one literal argument.
    // detached: the script leads its own process group, so a timeout kills whatever it started too.
    const child = spawn(file, args, { cwd: options.dir, env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = new BoundedText(limit);
    const stderr = new BoundedText(limit);
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(finish({ exitCode: null, timedOut, stdout: stdout.text(), stderr: stderr.text(), startError: error.message }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // Children left behind by a script that exited on its own must not outlive it either.
      killGroup(child.pid);
      resolve(finish({ exitCode: timedOut ? null : code, timedOut, stdout: stdout.text(), stderr: stderr.text() }));
    });
  });
}

/** Whether a run counts as success: exit code 0 within the time limit. */
export function succeeded(run: ScriptRun): boolean {
  return run.exitCode === 0 && !run.timedOut;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Keeps the first `limit` bytes of a stream and counts the rest. */
class BoundedText {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped === 0 ? body : `${body}\n[… ${this.dropped} more bytes dropped]`;
  }
}
