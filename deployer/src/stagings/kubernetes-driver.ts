// Stagings on a Kubernetes target: each in a namespace of its own, applied like an environment (inventory, prune,
// rollout), archived by applying only what an archive keeps, cleaned up by deleting the namespace.
import { ApiException } from '@kubernetes/client-node';
import type { EnvironmentStatus, StagingStatus } from '@cascade/common';
import type { KubernetesTarget } from '../kubernetes/kubernetes-target.ts';
import type { StagingNamespace } from '../kubernetes/staging-namespace.ts';
import { stagingNamespaceState } from '../kubernetes/staging-namespace.ts';
import { classifyKubeError } from '../kubernetes/errors.ts';
import type { StagingDriver, StagingPass } from './driver.ts';
import { phaseAfterApply, planKubernetesStaging } from './kubernetes-phase.ts';

/** The staging driver of one Kubernetes target. */
export function createKubernetesStagingDriver(target: Pick<KubernetesTarget, 'name' | 'stagings' | 'liveVersion'>): StagingDriver {
  const support = target.stagings;
  return {
    parallelism: support.parallelism,
    ...(target.liveVersion === undefined ? {} : { liveVersion: (name: string) => target.liveVersion?.(name) }),
    async deploy(pass) {
      try {
        return await deployStaging(pass);
      } catch (error) {
        // The API server refused a read or delete of the namespace (RBAC, admission): this staging's failure alone.
        if (!(error instanceof ApiException)) throw error;
        const failure = classifyKubeError(error);
        if (failure.kind === 'unreachable') throw error;
        const { staging } = pass.deployment;
        const phase = staging.state === 'cleanup' ? 'CleanupFailed' : 'Failure';
        const message = `namespace ${pass.deployment.binding.namespace ?? ''}: ${failure.message}`;
        return { ...baseStatus(pass), phase, reason: message, errors: [{ code: failure.code, message }] };
      }
    },
  };

  function baseStatus(pass: StagingPass): StagingStatus {
    const { staging, kind, binding } = pass.deployment;
    return {
      name: staging.name, kind: kind.name, target: target.name, ...(binding.namespace === undefined ? {} : { namespace: binding.namespace }), tag: staging.tag,
      phase: 'Failure', lastActionAt: pass.step.startedAt, commit: pass.commit, links: pass.links, resources: [], errors: [],
    };
  }

  async function deployStaging(pass: StagingPass): Promise<StagingStatus> {
    const { staging, kind, binding } = pass.deployment;
    const namespace = binding.namespace;
    const intent = staging.state;
    // 1. Where it lives: the policy's word on the namespace, and whose the namespace is.
    const refusal = namespace === undefined ? undefined : support.namespaceRefusal(namespace, staging.name);
    const found: StagingNamespace | undefined = namespace === undefined || (refusal !== undefined && intent !== 'cleanup')
      ? undefined
      : stagingNamespaceState(await support.readNamespace(namespace), support.installation, staging.name);
    // 2. What to do, pure.
    const plan = planKubernetesStaging({ intent, action: pass.step.action, staging: staging.name, kind: kind.name, installation: support.installation, namespace, refusal, found });
    const report = (fields: Pick<StagingStatus, 'phase'> & Partial<Pick<StagingStatus, 'reason' | 'resources' | 'errors'>>): StagingStatus => ({ ...baseStatus(pass), ...fields });
    if (plan.do === 'report') return report({ phase: plan.phase, ...(plan.reason === undefined ? {} : { reason: plan.reason }), ...(plan.error === undefined ? {} : { errors: [plan.error] }) });
    // 3a. Cleanup: the namespace controller removes everything in it, volumes too; the next passes wait for it to go.
    if (plan.do === 'delete') {
      await support.deleteNamespace(namespace!, staging.name);
      return report({ phase: 'CleanupPending', reason: `deleting namespace ${namespace}` });
    }
    // 3b. Active or archived: apply what the pass renders into the namespace, pruning what Cascade applied before.
    const env: EnvironmentStatus = await support.deploy({ env: staging.name, binding, commit: pass.commit, resources: pass.resources, rendered: pass.rendered, pruneHold: pass.pruneHold });
    // 4. An archive is done once nothing runs any more; the garbage collector removes pods after their owners.
    const left = intent === 'archived' && env.state === 'Clean' ? await support.workloadsLeft(namespace!) : [];
    const { phase, reason } = phaseAfterApply({ intent, action: pass.step.action, env, workloadsLeft: left });
    return report({ phase, ...(reason === undefined ? {} : { reason }), resources: env.resources, errors: env.errors ?? [] });
  }
}
