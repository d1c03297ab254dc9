// What the repo asks of a script target for one environment, and what is due per resource from it. No I/O.
import type { Resource, ResourceError, ResourceStatus } from '@cascade/common';
import { canonicalJson, sha256 } from '../content/canonical-json.ts';
import type { EnvironmentPass } from '../targets/target.ts';
import type { ConfigTransport, ScriptCall, ScriptProject } from './arguments.ts';
import { scriptArguments, tagProblem } from './arguments.ts';
import type { DesiredScriptResource, ScriptRecord, ScriptStep } from './state-machine.ts';
import { decideScriptStep, heldResourceStatus, pendingResourceStatus, scriptResourceStatus } from './state-machine.ts';

/** What the repo says about one resource at the latest pass. */
export type Wanted =
  /** A usable version file: the desired state and the input of its scripts. */
  | { kind: 'desired'; desired: DesiredScriptResource; call: ScriptCall; file: string }
  /** A version file that cannot become script input (e.g. an oversized tag): reported, no script runs. */
  | { kind: 'invalid'; error: ResourceError; version?: string }
  /** Files the repo model cannot read: the resource exists, but no script runs and its record stays as it is. */
  | { kind: 'unreadable'; problems: ResourceError[] };

/** One environment as the latest pass saw it. */
export interface EnvironmentView {
  wanted: Map<string, Wanted>;
  /** Problems that make the set of resources uncertain: nothing is archived or cleaned up while there are any. */
  pruneHold: string[];
}

/** A resource's record, the input of its last call (an archive needs it after the file is gone) and its last error. */
export interface Tracked {
  record: ScriptRecord;
  call: ScriptCall;
  errors: ResourceError[];
}

/** How the target paces its scripts. */
export interface ScriptTiming {
  /** How long archived resources are kept before `cleanup`. */
  retentionMs: number;
  /** How often `check` runs per running resource. */
  checkIntervalMs: number;
}

/** Reads what the pass asks for each resource. */
export function environmentView(project: ScriptProject, transport: ConfigTransport, pass: EnvironmentPass): EnvironmentView {
  const wanted = new Map<string, Wanted>();
  for (const resource of pass.resources) {
    // A resource the repo cannot read still exists there: without version data it would look removed and be archived.
    if (resource.problems !== undefined && resource.problems.length > 0) wanted.set(resource.name, { kind: 'unreadable', problems: resource.problems.map(({ code, file, message }) => ({ code, file, message })) });
    else if (resource.version !== undefined) wanted.set(resource.name, wantedOf(project, transport, pass, resource));
  }
  return { wanted, pruneHold: pass.pruneHold };
}

/** The next step for `name`: none while its files are unreadable or invalid, or while a missing one may only be hidden by a prune hold. */
export function nextStep(view: EnvironmentView, name: string, record: ScriptRecord | undefined, now: Date, timing: ScriptTiming): ScriptStep {
  const want = view.wanted.get(name);
  if (want !== undefined && want.kind !== 'desired') return { kind: 'idle' };
  if (want === undefined && view.pruneHold.length > 0) return { kind: 'idle' };
  return decideScriptStep(want?.desired, record, now, timing.retentionMs, timing.checkIntervalMs);
}

/** The status line of `name` now: pending while a step is due or running, else as recorded; undefined when there is nothing to report. */
export function resourceStatusNow(view: EnvironmentView, name: string, item: Tracked | undefined, step: ScriptStep): ResourceStatus | undefined {
  const want = view.wanted.get(name);
  if (want?.kind === 'unreadable') return heldResourceStatus(name, item?.record, want.problems);
  if (want?.kind === 'invalid') return { name, state: 'Failed', ...(want.version === undefined ? {} : { version: want.version }), reason: want.error.message, errors: [want.error] };
  const version = want?.desired.version;
  if (step.kind === 'probe' || step.kind === 'run') return pendingResourceStatus(name, version, item?.record, step);
  if (step.kind === 'forget' || item === undefined) return undefined;
  return scriptResourceStatus(name, version, item.record, item.errors);
}

/** The version file a resource's problems and script errors name. */
export function versionFileOf(resource: Resource): string {
  const source = resource.source;
  if (source.kind === 'template' || source.kind === 'versionOnly') return source.versionFile;
  return source.kind === 'deployable' ? source.file : source.baseFile;
}

/** The desired state and script input of a resource with a version file. */
function wantedOf(project: ScriptProject, transport: ConfigTransport, pass: EnvironmentPass, resource: Resource): Wanted {
  const version = resource.version!;
  const file = versionFileOf(resource);
  const namespace = pass.binding.namespace;
  // Arguments show in every local user's process list: decrypted values go only through the private config file.
  if (version.encrypted && transport === 'argv') {
    const error = { code: 'secret-in-argv', file, message: 'the version file is encrypted, and this target passes config as arguments (configArguments: argv); use configArguments: file' };
    return { kind: 'invalid', error, version: version.version };
  }
  const built = scriptArguments(project, { name: resource.name, version, versionFile: file, ...(namespace === undefined ? {} : { namespace }) }, transport);
  // A tag that cannot be an argument (200 KB, bidi controls) is not repeated in the status either.
  if (!built.ok) return { kind: 'invalid', error: built.error, ...(tagProblem(version.version) === undefined ? { version: version.version } : {}) };
  return { kind: 'desired', desired: { name: resource.name, version: version.version, fingerprint: sha256(canonicalJson(version.fields)) }, call: built.call, file };
}
