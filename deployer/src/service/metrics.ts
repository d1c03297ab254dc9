// The deployer's Prometheus metrics: applies, prunes, failures, loop duration, last success per environment.
import type { MetricsRegistry } from '@cascade/common/service';
import type { KubernetesTargetMetrics } from '../kubernetes/kubernetes-target.ts';
import type { PassStep } from '../targets/target.ts';

/** The deployer's metrics, bound to one registry. */
export interface DeployerMetrics extends KubernetesTargetMetrics {
  /** One loop pass took `seconds`. */
  loopDuration(seconds: number): void;
  /** An environment was reached and deployed at `time`. */
  succeeded(env: string, time: Date): void;
  /** A round of the periodic full reconcile began: every watch lists afresh, one at a time over the interval. */
  fullReconcile(): void;
  /** A step of a pass (fetch, read, render, plan, apply, report, refresh) took `seconds`. */
  step(step: PassStep, seconds: number): void;
}

/** Creates the deployer's metric families in `registry`. */
export function createDeployerMetrics(registry: MetricsRegistry): DeployerMetrics {
  const applies = registry.counter({ name: 'cascade_deployer_applies_total', help: 'Objects applied, by environment and reason (create, change, drift).', labelNames: ['env', 'reason'] });
  const corrections = registry.counter({ name: 'cascade_deployer_selfheal_corrections_total', help: 'Objects re-applied because someone changed them by hand (selfHeal).', labelNames: ['env'] });
  const prunes = registry.counter({ name: 'cascade_deployer_prunes_total', help: 'Objects deleted because the repo no longer has them.', labelNames: ['env'] });
  const failures = registry.counter({ name: 'cascade_deployer_failures_total', help: 'Objects or resources that failed, by environment and error code.', labelNames: ['env', 'code'] });
  const duration = registry.histogram({ name: 'cascade_deployer_loop_duration_seconds', help: 'Duration of one deployer pass over every environment.' });
  const reconciles = registry.counter({ name: 'cascade_deployer_full_reconciles_total', help: 'Rounds of the periodic full reconcile begun (every watch listed afresh, one at a time over the interval).' });
  const lists = registry.counter({ name: 'cascade_deployer_watch_lists_total', help: 'Lists a watch took into its cache (its first, after a 410 or a failure, and the full reconcile\'s), by environment.', labelNames: ['env'] });
  const steps = registry.histogram({ name: 'cascade_deployer_pass_step_seconds', help: 'Duration of one step of a pass: fetch and read (per pass), render, plan, apply, report and refresh (per environment or staging).', labelNames: ['step'] });
  const lastSuccess = registry.gauge({ name: 'cascade_deployer_last_success_timestamp_seconds', help: 'Unix time of the last pass that reached the environment target.', labelNames: ['env'] });
  return {
    applied(env, reason) {
      applies.inc({ env, reason });
      if (reason === 'drift') corrections.inc({ env });
    },
    pruned: (env) => prunes.inc({ env }),
    failed: (env, code) => failures.inc({ env, code }),
    loopDuration: (seconds) => duration.observe({}, seconds),
    succeeded: (env, time) => lastSuccess.set({ env }, time.getTime() / 1000),
    fullReconcile: () => reconciles.inc({}),
    listed: (env) => lists.inc({ env }),
    step: (step, seconds) => steps.observe({ step }, seconds),
  };
}
