// Staging statuses the pass reports itself, without a driver: held files, missing targets, unreachable targets and
// the phase kept from before a restart. No I/O.
import type { HeldStaging, ResourceError, StagingDeployment, StagingPhase, StagingStatus } from '@cascade/common';
import type { StagingStep } from './driver.ts';

/** A staging whose file cannot be used: Held, with every problem as an error naming its file. */
export function heldStatus({ staging, kind, problems }: HeldStaging, commit: string): StagingStatus {
  const errors: ResourceError[] = problems.map((p) => ({ code: p.code, file: p.file, message: p.message }));
  return {
    name: staging.name, kind: staging.kind, ...(kind === undefined ? {} : { target: kind.target }), tag: staging.tag,
    phase: 'Held', reason: problems.map((p) => p.message).join('; '), commit, links: [], resources: [], errors,
  };
}

/** The status of a deployable staging before its target said anything: the given phase, no resources. */
export function baseStatus(deployment: StagingDeployment, phase: StagingPhase, commit: string, step?: StagingStep): StagingStatus {
  const { staging, kind, binding } = deployment;
  return {
    name: staging.name, kind: kind.name, target: kind.target, ...(binding.namespace === undefined ? {} : { namespace: binding.namespace }), tag: staging.tag,
    phase, ...(step === undefined ? {} : { lastActionAt: step.startedAt }), commit, links: [], resources: [], errors: [],
  };
}

/** A staging its pass could not start: Failure (CleanupFailed when it was to be cleaned up) with one error. */
export function failedStatus(deployment: StagingDeployment, commit: string, step: StagingStep, error: ResourceError): StagingStatus {
  const phase = deployment.staging.state === 'cleanup' ? 'CleanupFailed' : 'Failure';
  return { ...baseStatus(deployment, phase, commit, step), reason: error.message, errors: [error] };
}

/** Why a staging's kind cannot be deployed here: its target is not in the config, or has no staging driver. */
export function noDriverError(deployment: StagingDeployment, configured: boolean): ResourceError {
  const { kind, staging } = deployment;
  if (!configured) return { code: 'unknown-target', file: 'stagings.yaml', message: `kind ${kind.name} of staging ${staging.name} names target ${kind.target}, which the deployer's config does not define` };
  return { code: 'stagings-unsupported', file: 'stagings.yaml', message: `kind ${kind.name} names target ${kind.target}, which cannot deploy stagings in this deployer` };
}

/** The last status (or one in the given phase) while the target cannot be reached, saying so; the phase is kept. */
export function unreachableStagingStatus(last: StagingStatus, message: string): StagingStatus {
  return { ...last, reason: message, errors: [{ code: 'target-unreachable', message }] };
}

/** The kept phase of a staging after a restart, as a status to hand the driver as `previous`. */
export function restoredStatus(deployment: StagingDeployment, phase: StagingPhase | undefined, commit: string): StagingStatus | undefined {
  return phase === undefined ? undefined : baseStatus(deployment, phase, commit);
}

/** A status a pass with unchanged inputs may keep as it is: reached its end, and nothing a new attempt might clear. */
export function settledStatus(status: StagingStatus): boolean {
  return (status.phase === 'Running' || status.phase === 'Archived') && status.errors.length === 0 && status.resources.every((r) => r.errors.length === 0);
}
