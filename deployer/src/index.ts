// @cascade/deployer: makes each environment's target match the resource repo and reports rollout status.
export type { Deployer, DeployerCore, DeployerDeps } from './service/deployer.ts';
export { createDeployer, createDeployerCore } from './service/deployer.ts';
export type { RunningDeployer, StartDeployerOptions } from './service/run.ts';
export { startDeployer } from './service/run.ts';
export type { DeployOnceResult, OnceOptions } from './service/once.ts';
export { DeployCommandError, deployOnce, diff } from './service/once.ts';
export type { DiffEntry, EnvironmentDiff } from './kubernetes/diff.ts';
export { createDeployerMetrics } from './service/metrics.ts';
export type { DeployerMetrics } from './service/metrics.ts';
export { buildTargets } from './service/targets.ts';
export type { EnvironmentPass, Target } from './targets/target.ts';
export { TargetUnreachableError } from './targets/target.ts';
export { ScriptLogStore } from './scripts/log-store.ts';
export type { ScriptRun } from './scripts/runner.ts';
export { formatRolloutReason } from './kubernetes/reason-text.ts';
export { CascadeObjectApi } from './kubernetes/client.ts';
export { createKubernetesTarget, type KubernetesTarget, type KubernetesTargetOptions } from './kubernetes/kubernetes-target.ts';
export { SCRIPT_ACTIONS, type ScriptAction } from './scripts/state-machine.ts';
