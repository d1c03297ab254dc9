// Turns the `targets` section of cascade.yaml into target instances; the repo can only refer to them by name.
import type { CascadeConfig } from '@cascade/common/config';
import type { Clock, Logger } from '@cascade/common/service';
import { CascadeObjectApi, loadKubeConfig } from '../kubernetes/client.ts';
import type { KubernetesTarget, KubernetesTargetMetrics } from '../kubernetes/kubernetes-target.ts';
import { createKubernetesTarget } from '../kubernetes/kubernetes-target.ts';
import type { ScriptLogStore } from '../scripts/log-store.ts';
import { createScriptTarget } from '../scripts/script-target.ts';
import type { Target } from '../targets/target.ts';

/** How long archived script-target resources are kept before `cleanup`. */
const ARCHIVE_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** What building targets needs from the service. */
export interface TargetDeps {
  clock: Clock;
  logger: Logger;
  logs: ScriptLogStore;
  metrics?: KubernetesTargetMetrics;
  /** Told when a script target's background work changed an environment's status, so the service publishes it. */
  onScriptChange?: (env: string) => void;
  /** Given to a long-running service: Kubernetes targets then watch their environments and tell it of every change at once. */
  onLiveChange?: (env: string, why: string) => void;
}

/** One target per entry of `targets`, by name; Kubernetes targets are scoped to `deployer.installation`. */
export function buildTargets(config: Pick<CascadeConfig, 'targets' | 'deployer'>, deps: TargetDeps): Map<string, Target> {
  const targets = new Map<string, Target>();
  for (const [name, target] of Object.entries(config.targets)) {
    const logger = deps.logger.child({ target: name });
    if (target.type === 'kubernetes') {
      const kc = loadKubeConfig({ ...(target.kubeconfig === undefined ? {} : { kubeconfig: target.kubeconfig }), ...(target.context === undefined ? {} : { context: target.context }), inCluster: target.inCluster });
      targets.set(name, createKubernetesTarget({
        name, installation: config.deployer.installation, client: CascadeObjectApi.forConfig(kc, undefined, { namespaced: target.namespaced }), clock: deps.clock, logger, ...(deps.metrics ? { metrics: deps.metrics } : {}), policy: target,
        ...(target.parallelism === undefined ? {} : { stagingParallelism: target.parallelism }),
        ...(deps.onLiveChange === undefined ? {} : { watch: { kubeConfig: kc, onChange: deps.onLiveChange } }),
      }));
    } else {
      targets.set(name, createScriptTarget({
        name,
        project: { projectName: target.projectName, baseDomain: target.baseDomain },
        runner: { dir: target.dir, timeoutMs: target.timeout, clock: deps.clock },
        retentionMs: ARCHIVE_RETENTION_MS,
        checkIntervalMs: target.checkInterval,
        parallelism: target.parallelism,
        configTransport: target.configArguments,
        logs: deps.logs,
        logger,
        ...(deps.onScriptChange ? { onChange: deps.onScriptChange } : {}),
      }));
    }
  }
  return targets;
}

/** Narrows a target to a Kubernetes one (which can dry-run), or undefined. */
export function asKubernetesTarget(target: Target | undefined): KubernetesTarget | undefined {
  return target !== undefined && 'plan' in target ? (target as KubernetesTarget) : undefined;
}
