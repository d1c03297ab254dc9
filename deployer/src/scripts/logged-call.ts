// One control-script call as both script-target uses make it: run, keep the log for admins, and judge the outcome.
import type { Logger } from '@cascade/common/service';
import type { ScriptCall } from './arguments.ts';
import type { ScriptLogStore } from './log-store.ts';
import type { ScriptRun, ScriptRunnerOptions } from './runner.ts';
import { runScript, succeeded } from './runner.ts';
import type { ScriptAction } from './state-machine.ts';

/** What a call needs from its target. */
export interface LoggedCallContext {
  runner: ScriptRunnerOptions;
  logs: ScriptLogStore;
  logger: Logger;
}

/** Where a call's log is kept: `GET /logs/<env>/<resource>`. */
export interface LogKey {
  env: string;
  resource: string;
}

// Scripts an installation may leave out: without them there are no links or notifications, nothing fails.
const OPTIONAL: ReadonlySet<ScriptAction> = new Set(['info', 'notifications']);

/** Runs one script, keeps its log under `key`, and tells whether it counts as success. */
export async function callLogged(context: LoggedCallContext, key: LogKey, action: ScriptAction, input: ScriptCall, extraArgs: string[] = []): Promise<{ run: ScriptRun; ok: boolean }> {
  const run = await runScript(context.runner, action, input, extraArgs);
  context.logs.add(key.env, key.resource, run);
  const ok = succeeded(run) || (OPTIONAL.has(action) && run.startError !== undefined && run.startError.endsWith('missing or not executable'));
  if (!ok && action !== 'check') context.logger.warn('control script failed', { env: key.env, resource: key.resource, action, exitCode: run.exitCode, timedOut: run.timedOut, ...(run.startError ? { startError: run.startError } : {}) });
  return { run, ok };
}

/** What a failed call did, for a status: it names the call but not its output, which may hold secret config and is for admins only. */
export function failedCallText(action: ScriptAction, run: ScriptRun): string {
  return `${action} ${run.timedOut ? 'timed out' : run.startError ?? `exited with ${run.exitCode}`}`;
}
