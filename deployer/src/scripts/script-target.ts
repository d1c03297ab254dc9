// The script target: runs the control-script state machine for every resource of an environment.
import type { EnvironmentStatus, Resource, ResourceError, ResourceStatus, ScriptState } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import { canonicalJson, sha256 } from '../content/canonical-json.ts';
import { environmentState } from '../status/environment-state.ts';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import type { ScriptProject } from './arguments.ts';
import { scriptArguments } from './arguments.ts';
import type { ScriptLogStore } from './log-store.ts';
import type { ScriptRun, ScriptRunnerOptions } from './runner.ts';
import { runScript, succeeded } from './runner.ts';
import type { DesiredScriptResource, ScriptAction, ScriptRecord, ScriptStep } from './state-machine.ts';
import { decideScriptStep, healthFromExitCode, heldResourceStatus, parseInfo, recordFromProbe, scriptResourceStatus } from './state-machine.ts';

/** Everything a script target needs, from the deployer's config and the service. */
export interface ScriptTargetOptions {
  name: string;
  project: ScriptProject;
  runner: ScriptRunnerOptions;
  /** How long archived resources are kept before `cleanup`. */
  retentionMs: number;
  logs: ScriptLogStore;
  logger: Logger;
}

/** A resource's record, the argv of its last call (an archive needs them after the file is gone) and its last error. */
interface Tracked {
  record: ScriptRecord;
  args: string[];
  errors: ResourceError[];
}

/** What the repo asks for one resource this pass: the desired state and argv, or the error building them. */
type Wanted = { desired: DesiredScriptResource; args: string[]; file: string } | { error: ResourceError; version: string } | undefined;

// Scripts an installation may leave out: without them there are no links or notifications, nothing fails.
const OPTIONAL: ReadonlySet<ScriptAction> = new Set(['info', 'notifications']);
// One pass does at most a probe and then one step (create, update, archive, …) per resource.
const MAX_STEPS_PER_PASS = 2;

/** Creates a script target; its records live in memory and are rebuilt with `check` after a restart. */
export function createScriptTarget(options: ScriptTargetOptions): Target {
  const byEnv = new Map<string, Map<string, Tracked>>();
  const now = () => options.runner.clock.now();

  /** Runs one script, keeps its log, and tells whether it counts as success. */
  async function call(env: string, name: string, action: ScriptAction, args: string[]): Promise<{ run: ScriptRun; ok: boolean }> {
    const run = await runScript(options.runner, action, args);
    options.logs.add(env, name, run);
    const ok = succeeded(run) || (OPTIONAL.has(action) && run.startError !== undefined);
    if (!ok && action !== 'check') options.logger.warn('control script failed', { env, resource: name, action, exitCode: run.exitCode, timedOut: run.timedOut });
    return { run, ok };
  }

  /** Moves a resource to `next`, calling `notifications` when the state changes. */
  async function moveTo(env: string, name: string, item: Tracked, next: ScriptState | 'Gone'): Promise<void> {
    const previous = item.record.state;
    if (next !== 'Gone') item.record = { ...item.record, state: next };
    if (previous !== next) await call(env, name, 'notifications', [...item.args, '--state', next, '--previous-state', previous]);
  }

  /** Carries out a `run` step: the pending state, each action in order, then the success or failure state. */
  async function runStep(env: string, name: string, item: Tracked, step: Extract<ScriptStep, { kind: 'run' }>, want: Wanted, records: Map<string, Tracked>): Promise<void> {
    await moveTo(env, name, item, step.pending);
    for (const action of step.actions) {
      const { run, ok } = await call(env, name, action, item.args);
      if (!ok) {
        const file = want !== undefined && 'file' in want ? want.file : undefined;
        // The message names the call but not its stderr: output may hold secret config and is for admins only.
        item.errors = [{ code: 'script-failed', ...(file ? { file } : {}), message: `${action} ${run.timedOut ? 'timed out' : run.startError ?? `exited with ${run.exitCode}`} (see the control-script logs)` }];
        item.record = { ...item.record, fingerprint: step.fingerprint };
        return moveTo(env, name, item, step.failure);
      }
    }
    item.errors = [];
    if (step.success === 'Gone') {
      records.delete(name);
      return moveTo(env, name, item, 'Gone');
    }
    const { health: _stale, ...record } = item.record;
    item.record = { ...record, fingerprint: step.fingerprint };
    if (step.success === 'Archived') item.record.archivedAt = now().toISOString();
    if (step.success === 'Running') {
      item.record.created = true;
      if (want !== undefined && 'desired' in want && !step.actions.includes('unarchive')) item.record.version = want.desired.version;
      const info = await call(env, name, 'info', item.args);
      item.record.links = succeeded(info.run) ? parseInfo(info.run.stdout) : [];
    }
    return moveTo(env, name, item, step.success);
  }

  /** Takes one resource as far as the state machine goes this pass. */
  async function reconcile(env: string, name: string, want: Wanted, records: Map<string, Tracked>): Promise<void> {
    const desired = want !== undefined && 'desired' in want ? want : undefined;
    for (let i = 0; i < MAX_STEPS_PER_PASS; i++) {
      const item = records.get(name);
      const step = decideScriptStep(desired?.desired, item?.record, now(), options.retentionMs);
      if (step.kind === 'probe' && desired !== undefined) {
        const { run } = await call(env, name, 'check', desired.args);
        const record = recordFromProbe(desired.desired, healthFromExitCode(run.exitCode));
        records.set(name, { record, args: desired.args, errors: [] });
        // The probe already told the health of an adopted resource; only one that needs a call goes on.
        if (record.state === 'Running' && record.fingerprint === desired.desired.fingerprint) return;
        continue;
      }
      if (step.kind === 'forget') records.delete(name);
      if (item === undefined || step.kind === 'idle' || step.kind === 'forget' || step.kind === 'probe') return;
      if (desired !== undefined) item.args = desired.args;
      if (step.kind === 'check') {
        const { run } = await call(env, name, 'check', item.args);
        item.record = { ...item.record, health: healthFromExitCode(run.exitCode) };
        return;
      }
      return runStep(env, name, item, step, want, records);
    }
  }

  return {
    name: options.name,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      const records = byEnv.get(pass.env) ?? new Map<string, Tracked>();
      byEnv.set(pass.env, records);
      const wanted = new Map<string, Wanted>();
      // A resource the repo cannot read still exists there: without version data it would look removed and be archived.
      const unreadable = new Map<string, ResourceError[]>();
      for (const resource of pass.resources) {
        if (resource.problems !== undefined && resource.problems.length > 0) unreadable.set(resource.name, resource.problems.map(({ code, file, message }) => ({ code, file, message })));
        else if (resource.version !== undefined) wanted.set(resource.name, wantedOf(options.project, pass, resource));
      }
      // While the environment's folders are broken, a resource missing from the repo may only be hidden there.
      const holding = pass.pruneHold.length > 0;
      const statuses: ResourceStatus[] = [];
      for (const name of [...new Set([...wanted.keys(), ...unreadable.keys(), ...records.keys()])].sort()) {
        const want = wanted.get(name);
        const problems = unreadable.get(name);
        if (problems !== undefined || (want === undefined && holding)) {
          const status = leftAloneStatus(name, records.get(name), problems);
          if (status !== undefined) statuses.push(status);
          continue;
        }
        if (want !== undefined && 'error' in want) {
          statuses.push({ name, state: 'Failed', version: want.version, reason: want.error.message, errors: [want.error] });
          continue;
        }
        await reconcile(pass.env, name, want, records);
        const item = records.get(name);
        if (item !== undefined) statuses.push(scriptResourceStatus(name, want?.desired.version, item.record, item.errors));
      }
      const held: ResourceError[] = holding ? [{ code: 'prune-held', message: `archiving and cleanup are held until the repo is fixed: ${pass.pruneHold.join('; ')}` }] : [];
      return { env: pass.env, target: options.name, commit: pass.commit, state: environmentState(statuses), resources: statuses, ...(held.length > 0 ? { errors: held } : {}), lastSuccess: now().toISOString() };
    },
  };
}

/** The status of a resource no script runs for this pass: failed with its problems when unreadable, else as last recorded. */
function leftAloneStatus(name: string, item: Tracked | undefined, problems: ResourceError[] | undefined): ResourceStatus | undefined {
  if (problems !== undefined) return heldResourceStatus(name, item?.record, problems);
  return item === undefined ? undefined : scriptResourceStatus(name, undefined, item.record, item.errors);
}

/** The desired state and argv of a resource with a version file. */
function wantedOf(project: ScriptProject, pass: EnvironmentPass, resource: Resource): Wanted {
  const version = resource.version!;
  const file = versionFileOf(resource);
  const namespace = pass.binding.namespace;
  const built = scriptArguments(project, { name: resource.name, version, versionFile: file, ...(namespace === undefined ? {} : { namespace }) });
  if (!built.ok) return { error: built.error, version: version.version };
  return { desired: { name: resource.name, version: version.version, fingerprint: sha256(canonicalJson(version.fields)) }, args: built.args, file };
}

function versionFileOf(resource: Resource): string {
  const source = resource.source;
  if (source.kind === 'template' || source.kind === 'versionOnly') return source.versionFile;
  return source.kind === 'deployable' ? source.file : source.baseFile;
}
