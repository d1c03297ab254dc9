// The script target: records what the repo asks per resource and runs the control-script state machine in the
// background, one job per resource at a time and a bounded number of scripts at once, so a pass never waits on scripts.
import type { EnvironmentStatus, ResourceError, ResourceStatus, ScriptState } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import { environmentState } from '../status/environment-state.ts';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import type { ConfigTransport, ScriptCall, ScriptProject } from './arguments.ts';
import type { EnvironmentView, ScriptTiming, Tracked, Wanted } from './desired-state.ts';
import { environmentView, nextStep, resourceStatusNow } from './desired-state.ts';
import type { ScriptLogStore } from './log-store.ts';
import { callLogged, failedCallText } from './logged-call.ts';
import type { ScriptRun, ScriptRunnerOptions } from './runner.ts';
import { succeeded } from './runner.ts';
import type { ScriptAction, ScriptStep } from './state-machine.ts';
import { healthFromExitCode, parseInfo, recordFromProbe } from './state-machine.ts';
import { KeyedWorkQueue } from './work-queue.ts';

/** Everything a script target needs, from the deployer's config and the service. */
export interface ScriptTargetOptions {
  name: string;
  project: ScriptProject;
  runner: ScriptRunnerOptions;
  /** How long archived resources are kept before `cleanup`. */
  retentionMs: number;
  /** How often `check` runs per running resource; default `DEFAULT_CHECK_INTERVAL_MS`. */
  checkIntervalMs?: number;
  /** Scripts running at once over all environments of the target; default `DEFAULT_SCRIPT_PARALLELISM`. */
  parallelism?: number;
  /** How config reaches the scripts; default `file`. */
  configTransport?: ConfigTransport;
  logs: ScriptLogStore;
  logger: Logger;
  /** Told which environment's status changed through background work, so the service publishes it (a new pass). */
  onChange?: (env: string) => void;
}

/**
 * What the stagings on a script target share with its environments: its settings, its one queue (so `parallelism`
 * bounds the scripts of both together, and `settle`/`close` cover both) and its log store.
 */
export interface ScriptTargetShared {
  options: ScriptTargetOptions;
  queue: KeyedWorkQueue;
  /** Whether `close` was called: no more scripts start. */
  closed(): boolean;
}

/** A script target: `deploy` answers at once with pending states, the scripts run behind it. */
export interface ScriptTarget extends Target {
  /** Resolves once no script work is waiting or running (`cascade deploy --once`, tests). */
  settle(): Promise<void>;
  /** Starts no more scripts and resolves once the running ones have ended. */
  close(): Promise<void>;
  /** For the driver of the stagings on this target. */
  readonly shared: ScriptTargetShared;
}

/** Default `checkInterval`: how often a running resource's health is asked. */
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;
/** Default `parallelism`: scripts of one target running at once. */
export const DEFAULT_SCRIPT_PARALLELISM = 4;

interface EnvironmentState {
  view: EnvironmentView;
  records: Map<string, Tracked>;
}

/** Creates a script target; its records live in memory and are rebuilt with `check` after a restart. */
export function createScriptTarget(options: ScriptTargetOptions): ScriptTarget {
  const envs = new Map<string, EnvironmentState>();
  const timing: ScriptTiming = { retentionMs: options.retentionMs, checkIntervalMs: options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS };
  const transport = options.configTransport ?? 'file';
  const queue = new KeyedWorkQueue(options.parallelism ?? DEFAULT_SCRIPT_PARALLELISM, (key, error) => {
    options.logger.error('control-script job failed unexpectedly', { resource: key.replace('\0', '/'), error: messageOf(error) });
  });
  let closed = false;
  const now = () => options.runner.clock.now();

  /** Runs one script, keeps its log, and tells whether it counts as success. */
  function call(env: string, name: string, action: ScriptAction, input: ScriptCall, extraArgs: string[] = []): Promise<{ run: ScriptRun; ok: boolean }> {
    return callLogged(options, { env, resource: name }, action, input, extraArgs);
  }

  /** Moves a resource to `next`, calling `notifications` when the state changes. */
  async function moveTo(env: string, name: string, item: Tracked, next: ScriptState | 'Gone'): Promise<void> {
    const previous = item.record.state;
    if (next !== 'Gone') item.record = { ...item.record, state: next };
    if (previous !== next) await call(env, name, 'notifications', item.call, ['--state', next, '--previous-state', previous]);
  }

  /** Carries out a `run` step: the pending state, each action in order, then the success or failure state. */
  async function runStep(env: string, name: string, item: Tracked, step: Extract<ScriptStep, { kind: 'run' }>, want: Wanted | undefined, records: Map<string, Tracked>): Promise<void> {
    await moveTo(env, name, item, step.pending);
    for (const action of step.actions) {
      const { run, ok } = await call(env, name, action, item.call);
      if (!ok) {
        const file = want?.kind === 'desired' ? want.file : undefined;
        // The message names the call but not its stderr: output may hold secret config and is for admins only.
        item.errors = [{ code: 'script-failed', ...(file ? { file } : {}), message: `${failedCallText(action, run)} (see the control-script logs)` }];
        item.record = { ...item.record, fingerprint: step.fingerprint };
        return moveTo(env, name, item, step.failure);
      }
    }
    item.errors = [];
    if (step.success === 'Gone') {
      records.delete(name);
      await moveTo(env, name, item, 'Gone');
      // Archived and cleaned up after its retention: the resource's logs go with it.
      options.logs.forget(env, name);
      return;
    }
    const { health: _stale, ...record } = item.record;
    item.record = { ...record, fingerprint: step.fingerprint };
    if (step.success === 'Archived') item.record.archivedAt = now().toISOString();
    if (step.success === 'Running') {
      item.record.created = true;
      // The script just answered for the resource; its health is asked again after `checkInterval`.
      item.record.checkedAt = now().toISOString();
      if (want?.kind === 'desired' && !step.actions.includes('unarchive')) item.record.version = want.desired.version;
      const info = await call(env, name, 'info', item.call);
      item.record.links = succeeded(info.run) ? parseInfo(info.run.stdout) : [];
    }
    return moveTo(env, name, item, step.success);
  }

  /** Takes one step for a resource, decided when the job starts from what the latest pass saw. */
  async function takeStep(env: string, name: string, state: EnvironmentState): Promise<void> {
    const item = state.records.get(name);
    const want = state.view.wanted.get(name);
    const desired = want?.kind === 'desired' ? want : undefined;
    const step = nextStep(state.view, name, item?.record, now(), timing);
    if (step.kind === 'idle') return;
    if (step.kind === 'forget') {
      state.records.delete(name);
      options.logs.forget(env, name);
      return;
    }
    if (step.kind === 'probe') {
      if (desired === undefined) return;
      const { run } = await call(env, name, 'check', desired.call);
      const record = { ...recordFromProbe(desired.desired, healthFromExitCode(run.exitCode)), checkedAt: now().toISOString() };
      state.records.set(name, { record, call: desired.call, errors: [] });
      return;
    }
    if (item === undefined) return;
    if (desired !== undefined) item.call = desired.call;
    if (step.kind === 'check') {
      const { run } = await call(env, name, 'check', item.call);
      item.record = { ...item.record, health: healthFromExitCode(run.exitCode), checkedAt: now().toISOString() };
      return;
    }
    return runStep(env, name, item, step, want, state.records);
  }

  /** The status line of `name` as of now. */
  function statusOf(state: EnvironmentState, name: string): ResourceStatus | undefined {
    const item = state.records.get(name);
    return resourceStatusNow(state.view, name, item, nextStep(state.view, name, item?.record, now(), timing));
  }

  /** Queues the job of one resource. */
  function schedule(env: string, name: string): void {
    queue.enqueue(`${env}\0${name}`, () => work(env, name));
  }

  /** One job: a step, then the next one if it follows straight away, and word to the service if the status changed. */
  async function work(env: string, name: string): Promise<void> {
    const state = envs.get(env)!;
    const before = JSON.stringify(statusOf(state, name));
    let failed = false;
    try {
      await takeStep(env, name, state);
    } catch (error) {
      // Reported on the resource and not retried straight away: the next pass decides again.
      failed = true;
      const item = state.records.get(name);
      if (item !== undefined) item.errors = [{ code: 'internal-error', message: `the deployer failed running this resource's scripts: ${messageOf(error)}` }];
      options.logger.error('control-script step failed unexpectedly', { env, resource: name, error: messageOf(error) });
    }
    if (closed) return;
    const item = state.records.get(name);
    const next = nextStep(state.view, name, item?.record, now(), timing);
    // A probe leads to a create, a failed archive waits: steps that are due go on; a due `check` waits for a pass.
    if (!failed && (next.kind === 'run' || next.kind === 'probe' || next.kind === 'forget')) schedule(env, name);
    if (JSON.stringify(statusOf(state, name)) !== before) options.onChange?.(env);
  }

  return {
    name: options.name,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      const view = environmentView(options.project, transport, pass);
      const state = envs.get(pass.env) ?? { view, records: new Map<string, Tracked>() };
      state.view = view;
      envs.set(pass.env, state);
      const statuses: ResourceStatus[] = [];
      for (const name of [...new Set([...view.wanted.keys(), ...state.records.keys()])].sort()) {
        const item = state.records.get(name);
        const step = nextStep(view, name, item?.record, now(), timing);
        // Scripts run behind the pass; the status says what is pending meanwhile.
        if (step.kind !== 'idle' && !closed) schedule(pass.env, name);
        const status = resourceStatusNow(view, name, item, step);
        if (status !== undefined) statuses.push(status);
      }
      const held: ResourceError[] = view.pruneHold.length > 0 ? [{ code: 'prune-held', message: `archiving and cleanup are held until the repo is fixed: ${view.pruneHold.join('; ')}` }] : [];
      return { env: pass.env, target: options.name, commit: pass.commit, state: environmentState(statuses), resources: statuses, ...(held.length > 0 ? { errors: held } : {}), lastSuccess: now().toISOString() };
    },
    settle: () => queue.settle(),
    shared: { options, queue, closed: () => closed },
    close() {
      closed = true;
      return queue.close();
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
