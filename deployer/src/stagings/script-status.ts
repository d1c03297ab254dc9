// How a staging on a script target reports: its phase from its record and what is due, and one resource line with
// the script state, the health `check` gave and the links. No I/O.
import type { ResourceError, ResourceStatus, RolloutState, ScriptLink, ScriptState, StagingDeployment, StagingPhase, StagingStatus } from '@cascade/common';
import type { StagingScriptStep, StagingWant } from './script-decide.ts';
import { positionOf } from './script-decide.ts';
import type { StagingScriptInput } from './script-input.ts';
import type { StagingScriptRecord } from './script-record.ts';

/** What a staging's status is made of. */
export interface ScriptStagingView {
  deployment: StagingDeployment;
  /** The pass's links: the kind's `https://{name}.{baseDomain}` while the staging is active. */
  links: ScriptLink[];
  input: StagingScriptInput;
  /** Undefined when the input is unusable. */
  want?: StagingWant;
  record?: StagingScriptRecord;
  step: StagingScriptStep;
  /** Errors of the deployer itself while running the staging's scripts, e.g. a record it could not write. */
  errors: ResourceError[];
}

const SCRIPT_STATES: ReadonlySet<string> = new Set<ScriptState>(['CreatePending', 'UpdatePending', 'ArchivePending', 'Running', 'Failure', 'Archived', 'CleanupFailed']);
const PENDING_WHEN_UNKNOWN = { active: 'CreatePending', archived: 'ArchivePending', cleanup: 'CleanupPending' } as const;

/** The phase of a staging now, with why it is pending or failed. */
export function stagingPhase(view: Omit<ScriptStagingView, 'deployment' | 'links' | 'errors'>): { phase: StagingPhase; reason?: string } {
  const { input, want, record, step } = view;
  if (!input.ok) return { phase: input.intent === 'cleanup' ? 'CleanupFailed' : 'Failure', reason: input.error.message };
  if (step.kind === 'run') return { phase: step.pending, reason: `${step.actions.join(', ')} due or running` };
  const failure = record?.failure;
  if (failure !== undefined && failure.attempt === want?.attempt) return { phase: failure.phase, reason: failure.reason };
  switch (positionOf(record)) {
    case 'running':
      return record!.health === undefined || record!.health === 'Healthy' ? { phase: 'Running' } : { phase: 'Running', reason: `check: ${record!.health}` };
    case 'archiving':
      return { phase: 'ArchivePending', reason: `archive_check: ${record!.archiveCheck?.reason ?? 'not asked yet'}` };
    case 'archived':
      return { phase: 'Archived' };
    case 'gone':
      return { phase: 'CleanedUp' };
    case 'unknown':
      return { phase: PENDING_WHEN_UNKNOWN[input.intent] };
  }
}

/** The status of a staging on a script target. */
export function scriptStagingStatus(view: ScriptStagingView): StagingStatus {
  const { deployment, input, record } = view;
  const { staging, kind, binding } = deployment;
  const { phase, reason } = stagingPhase(view);
  const errors = input.ok ? view.errors : [input.error, ...view.errors];
  const position = positionOf(record);
  // What `info` printed holds while the staging runs; an archived one has nothing to open.
  const links = unique([...view.links, ...(position === 'running' ? record?.links ?? [] : [])]);
  const live = position === 'running' || position === 'archiving' || position === 'archived' ? record?.deployed?.tag : undefined;
  const health = position === 'running' ? record?.health : undefined;
  const state = errors.length > 0 ? 'Failed' : rolloutOf(phase, health);
  const resource: ResourceStatus = {
    name: staging.name,
    state,
    version: staging.tag,
    ...(live === undefined ? {} : { liveVersion: live }),
    ...(state === 'Clean' ? {} : { reason: reason ?? phase }),
    errors,
    ...(SCRIPT_STATES.has(phase) ? { scriptState: phase as ScriptState } : {}),
    ...(health === undefined ? {} : { health }),
    ...(links.length === 0 ? {} : { links }),
  };
  return {
    name: staging.name,
    kind: kind.name,
    target: binding.target,
    namespace: input.ok ? input.settings.namespace : binding.namespace ?? staging.name,
    tag: staging.tag,
    phase,
    ...(reason === undefined ? {} : { reason }),
    ...(record?.lastActionAt === undefined ? {} : { lastActionAt: record.lastActionAt }),
    ...(record?.done === undefined ? {} : { commit: record.done.commit }),
    links,
    resources: [resource],
    errors,
  };
}

/** Each URL once, the first name it came with. */
function unique(links: ScriptLink[]): ScriptLink[] {
  return links.filter((link, i) => links.findIndex((other) => other.url === link.url) === i);
}

/** The rollout state a phase stands for, so stagings read like environments: health decides while Running. */
function rolloutOf(phase: StagingPhase, health: StagingScriptRecord['health']): RolloutState {
  switch (phase) {
    case 'Running':
      if (health === 'Down') return 'Failed';
      if (health === 'TagMismatch') return 'Outdated';
      return health === 'PartiallyDown' ? 'InProgress' : 'Clean';
    case 'Archived':
    case 'CleanedUp':
      return 'Clean';
    case 'Failure':
    case 'CleanupFailed':
    case 'Held':
      return 'Failed';
    default:
      return 'Outdated';
  }
}
