// The phase rules of stagings on Kubernetes targets: what to do given the staging's file and its namespace, and
// which phase a pass reached. No I/O; kubernetes-driver.ts reads the cluster and carries the decisions out.
import type { EnvironmentStatus, ResourceError, StagingStepAction, StagingIntent, StagingPhase } from '@cascade/common';
import type { StagingNamespace } from '../kubernetes/staging-namespace.ts';
import { pendingPhase } from './actions.ts';

/** What the driver does for a staging this pass. */
export type KubernetesStagingPlan =
  /** Nothing to touch: report this phase (and the error, when there is one). */
  | { do: 'report'; phase: StagingPhase; reason?: string; error?: ResourceError }
  /** Apply the pass (creating the namespace, labelled as the staging's, when `create`), then judge with phaseAfterApply. */
  | { do: 'apply'; create: boolean }
  /** Delete the namespace: CleanupPending until it is gone. */
  | { do: 'delete' };

/** What planKubernetesStaging decides from. */
export interface KubernetesPlanInput {
  intent: StagingIntent;
  action: StagingStepAction;
  staging: string;
  kind: string;
  installation: string;
  /** The namespace from the kind's pattern; undefined when the kind has none. */
  namespace: string | undefined;
  /** Why the target's policy refuses the namespace, if it does. */
  refusal: string | undefined;
  /** The namespace as found in the cluster; undefined when there is no namespace to look at. */
  found: StagingNamespace | undefined;
}

/**
 * Decides a pass before anything is applied or deleted. Cleanup removes only a namespace this staging's labels
 * mark as its own and reports CleanedUp once there is none; active and archived stagings deploy only into such a
 * namespace (or one they create), never into one the policy refuses.
 */
export function planKubernetesStaging(input: KubernetesPlanInput): KubernetesStagingPlan {
  const { namespace, found, refusal } = input;
  const notOurs = (why: string) => `namespace ${namespace} ${why}; only a namespace Cascade created for staging ${input.staging} (labels cascade.dev/installation=${input.installation}, cascade.dev/staging=${input.staging}) is ${input.intent === 'cleanup' ? 'deleted' : 'deployed into'}`;
  if (input.intent === 'cleanup') {
    if (namespace === undefined) return { do: 'report', phase: 'CleanedUp', reason: `kind ${input.kind} gives it no namespace; nothing to remove` };
    if (found === undefined || found.state === 'absent') return { do: 'report', phase: 'CleanedUp', reason: `namespace ${namespace} is gone` };
    if (found.state === 'foreign') return failed('CleanupFailed', 'namespace-not-owned', notOurs(found.why === 'Cascade did not create it' ? 'was not created by Cascade' : `was not deleted: ${found.why}`));
    if (refusal !== undefined) return failed('CleanupFailed', 'namespace-not-allowed', refusal);
    if (found.terminating) return { do: 'report', phase: 'CleanupPending', reason: `namespace ${namespace} is being deleted` };
    return { do: 'delete' };
  }
  if (namespace === undefined) {
    return failed('Failure', 'staging-no-namespace', `kind ${input.kind} has no namespace pattern; on a kubernetes target every staging needs a namespace of its own (namespace: "shop-{name}" in stagings.yaml)`);
  }
  if (refusal !== undefined) return failed('Failure', 'namespace-not-allowed', refusal);
  if (found === undefined || found.state === 'absent') {
    // Nothing was ever deployed (or it was removed by hand): an archive has nothing to remove, and nothing to create.
    if (input.intent === 'archived') return { do: 'report', phase: 'Archived', reason: `namespace ${namespace} does not exist; nothing to archive` };
    return { do: 'apply', create: true };
  }
  if (found.state === 'foreign') return failed('Failure', 'namespace-not-owned', notOurs(`exists, and ${found.why}`));
  // Objects cannot be created in a namespace being deleted; it is created afresh once it is gone.
  if (found.terminating) return { do: 'report', phase: pendingPhase(input.action), reason: `namespace ${namespace} is still being deleted; waiting for it to go` };
  return { do: 'apply', create: false };
}

/** What phaseAfterApply decides from: the applied pass and, for an archive, what still runs in the namespace. */
export interface AfterApplyInput {
  intent: StagingIntent;
  action: StagingStepAction;
  env: EnvironmentStatus;
  /** Workload objects and pods left in the namespace (`Kind name`); only looked at for an archive. */
  workloadsLeft: readonly string[];
}

/**
 * The phase a pass reached. Failed → Failure with the first failure. Active: Clean → Running, otherwise the step's
 * pending phase with what it waits for. Archived: Archived once what it keeps is applied and no workload or pod is
 * left in the namespace; until then ArchivePending.
 */
export function phaseAfterApply(input: AfterApplyInput): { phase: StagingPhase; reason?: string } {
  const { env } = input;
  if (env.state === 'Failed') return { phase: 'Failure', reason: failureReason(env) };
  if (env.state !== 'Clean') return { phase: pendingPhase(input.action), reason: progressReason(env) };
  if (input.intent !== 'archived') return { phase: 'Running' };
  if (input.workloadsLeft.length === 0) return { phase: 'Archived' };
  const held = env.errors?.find((e) => e.code === 'prune-held');
  const shown = input.workloadsLeft.slice(0, 5).join(', ');
  const more = input.workloadsLeft.length > 5 ? ` and ${input.workloadsLeft.length - 5} more` : '';
  return { phase: 'ArchivePending', reason: held?.message ?? `waiting for ${shown}${more} to go` };
}

/** The first failure of a pass, naming its resource. */
function failureReason(env: EnvironmentStatus): string {
  const resource = env.resources.find((r) => r.state === 'Failed');
  if (resource !== undefined) return `${resource.name}: ${resource.reason ?? resource.errors[0]?.message ?? 'failed'}`;
  return env.errors?.[0]?.message ?? 'the pass failed';
}

/** What a pass that is not clean yet waits for, naming its resource. */
function progressReason(env: EnvironmentStatus): string {
  const resource = env.resources.find((r) => r.state !== 'Clean');
  return resource === undefined ? env.state : `${resource.name}: ${resource.reason ?? resource.state}`;
}

function failed(phase: StagingPhase, code: string, message: string): KubernetesStagingPlan {
  return { do: 'report', phase, reason: message, error: { code, message } };
}
