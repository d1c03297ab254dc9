// Runs one control script: from the target's directory only, argv only, config in a private file, with a timeout and
// bounded output. A call ends when the script exits; whatever it left running is killed then.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@cascade/common/service';
import type { ScriptCall } from './arguments.ts';
import { BoundedText } from './bounded-text.ts';
import type { ConfigFile } from './config-file.ts';
import { writeConfigFile } from './config-file.ts';
import { RUN_MARKER, killCallProcesses } from './process-sweep.ts';
import { SCRIPT_ACTIONS } from './state-machine.ts';
import type { ScriptAction } from './state-machine.ts';
import type { StagingScriptRun } from '@cascade/common/api';

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

/**
 * What one call did: exit code, output and duration, kept as the action's log. The same shape the aggregator serves
 * for a staging's runs, so the two cannot drift apart.
 */
export type ScriptRun = StagingScriptRun & { action: ScriptAction };

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
// After the script exited and its processes were killed, output still in the pipe is read this long at most: a
// process that escaped the kill could otherwise hold the pipe open forever.
const CLOSE_GRACE_MS = 2000;

type Outcome = Omit<ScriptRun, 'action' | 'args' | 'startedAt' | 'durationMs'>;

/**
 * Runs `action` with `call` (plus `extraArgs`, e.g. `--state`) and resolves with its log; never rejects for a failing
 * or unstartable script, only for a bad name. The config document goes to a private file removed after the call.
 */
export async function runScript(options: ScriptRunnerOptions, action: ScriptAction, call: ScriptCall, extraArgs: readonly string[] = []): Promise<ScriptRun> {
  if (!(SCRIPT_ACTIONS as readonly string[]).includes(action) || action.includes('/')) throw new ScriptNameError({ name: action });
  const file = join(options.dir, action);
  const startedAt = options.clock.now().toISOString();
  const started = performance.now();
  let args = [...call.args, ...extraArgs];
  const finish = (outcome: Outcome): ScriptRun => ({ action, args, startedAt, durationMs: Math.round(performance.now() - started), ...outcome });
  try {
    await access(file, constants.X_OK);
  } catch {
    return finish({ exitCode: null, timedOut: false, stdout: '', stderr: '', startError: `${file} is missing or not executable` });
  }
  let configFile: ConfigFile | undefined;
  try {
    if (call.configDocument !== undefined) {
      configFile = await writeConfigFile(call.configDocument);
      args = [...call.args, '--config-file', configFile.path, ...extraArgs];
    }
    return finish(await spawnAndWait(file, args, options));
  } catch (error) {
    return finish({ exitCode: null, timedOut: false, stdout: '', stderr: '', startError: `the call could not be prepared: ${messageOf(error)}` });
  } finally {
    // Whatever happened, the values do not stay on disk.
    await configFile?.remove();
  }
}

/** Whether a run counts as success: exit code 0 within the time limit. */
export function succeeded(run: ScriptRun): boolean {
  return run.exitCode === 0 && !run.timedOut;
}

/** Starts the script and resolves once it exited (or could not start) and what it left behind is killed. */
function spawnAndWait(file: string, args: string[], options: ScriptRunnerOptions): Promise<Outcome> {
  const marker = randomUUID();
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) if (process.env[key] !== undefined) env[key] = process.env[key];
  Object.assign(env, options.env, { [RUN_MARKER]: marker });
  const stdout = new BoundedText(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  const stderr = new BoundedText(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT);
  return new Promise((resolve) => {
    let child: ChildProcess & { stdout: NonNullable<ChildProcess['stdout']>; stderr: NonNullable<ChildProcess['stderr']> };
    try {
      // shell: false and an argv array: a tag like `$(touch x)` reaches the script as one literal argument.
      // detached: the script leads its own process group, so a timeout kills whatever it started too.
      child = spawn(file, args, { cwd: options.dir, env, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      // E2BIG and the like are thrown, not emitted: still a failed call of this resource, never of the pass.
      return resolve({ exitCode: null, timedOut: false, stdout: '', stderr: '', startError: messageOf(error) });
    }
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    let timedOut = false;
    let closed = false;
    let done = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killCallProcesses(child.pid, marker);
    }, options.timeoutMs);
    const end = (outcome: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(outcome);
    };
    child.on('close', () => {
      closed = true;
    });
    child.on('error', (error) => {
      // Only a failed start has no pid; other errors are followed by `exit`.
      if (child.pid === undefined) end({ exitCode: null, timedOut, stdout: stdout.text(), stderr: stderr.text(), startError: error.message });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      // The call ends with the script: children it left behind (holding stdout or not) must not outlive it.
      void killCallProcesses(child.pid, marker).then(() => {
        const report = () => end({ exitCode: timedOut ? null : code, timedOut, stdout: stdout.text(), stderr: stderr.text() });
        if (closed) return report();
        child.once('close', report);
        setTimeout(report, CLOSE_GRACE_MS).unref();
      });
    });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
