// Test harness for the deployer on the real local cluster: a git-fixture remote, the real git layer,
// a Kubernetes target per test, and counters of what the deployer applied.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { EnvironmentStatus, TargetPolicy } from '@cascade/common';
import { defaultInstallationId } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import type { GitRepo } from '@cascade/common/git';
import type { BackoffOptions } from '@cascade/common/service';
import { silentLogger, systemClock } from '@cascade/common/service';
import type { DeployerCore, DeployerMetrics, Target } from '@cascade/deployer';
import { createDeployerCore } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { FixtureSpec, GitFixture } from '@cascade/git-fixture';
import { CascadeObjectApi, createKubernetesTarget } from '@cascade/deployer';
import { hashToken } from '@cascade/common/service';

/** Counts of what the deployer did, from its metrics callbacks. */
export interface Counts {
  applied: Record<string, number>;
  pruned: number;
  failed: Record<string, number>;
  /** Steps of passes timed, by step. */
  steps: Record<string, number>;
}

/** A deployer over one fixture repo and the test cluster. */
export interface Harness {
  fixture: GitFixture;
  repo: GitRepo;
  client: CascadeObjectApi;
  /** The installation id the deployer labels and selects by (derived from the fixture's remote, as the config loader does). */
  installation: string;
  counts: Counts;
  /** A fresh deployer (as after a restart) over the same repo and cluster, optionally with another installation id. */
  restart(installation?: string): DeployerCore;
  /** A fresh deployer whose data dir starts empty, as on another node: a new clone, nothing kept from before. */
  restartWithEmptyDataDir(): Promise<DeployerCore>;
  core: DeployerCore;
  /** Runs one pass and returns the status of `env`. */
  pass(env: string): Promise<EnvironmentStatus>;
  /** Moves the branch to a named fixture commit. */
  moveTo(commit: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of startHarness. */
export interface HarnessOptions {
  /** A target to use instead of the real one (e.g. one that switches clusters). */
  target?: (real: Target) => Target;
  /** More targets beside `local`, by name. */
  extraTargets?: Map<string, Target>;
  /** Pacing of unreachable targets; default the deployer core's. */
  retry?: BackoffOptions;
  /** `allowedNamespaces` of the `local` target. */
  allowedNamespaces?: string[];
  /** The rest of the `local` target's policy (clusterKinds, environments, …), as cascade.yaml would give it. */
  policy?: TargetPolicy;
  /** `namespaced` of the `local` target: list and watch per namespace only. */
  namespaced?: boolean;
}

/** Starts a deployer over `spec` with target `local` on the cluster of `kc`. */
export async function startHarness(kc: KubeConfig, spec: FixtureSpec, options: HarnessOptions = {}): Promise<Harness> {
  const fixture = await createFixture(spec);
  const cacheDirs = [await mkdtemp(join(tmpdir(), 'cascade-deployer-cache-'))];
  let repo = await openRepo({ url: fixture.remote, branch: fixture.branch, dir: join(cacheDirs[0]!, 'repo.git') });
  const client = CascadeObjectApi.forConfig(kc);
  const installation = defaultInstallationId({ url: fixture.remote, branch: fixture.branch });
  const counts: Counts = { applied: {}, pruned: 0, failed: {}, steps: {} };
  const metrics: DeployerMetrics = {
    applied: (_env, reason) => void (counts.applied[reason] = (counts.applied[reason] ?? 0) + 1),
    pruned: () => void counts.pruned++,
    failed: (_env, code) => void (counts.failed[code] = (counts.failed[code] ?? 0) + 1),
    loopDuration: () => {},
    step: (step) => void (counts.steps[step] = (counts.steps[step] ?? 0) + 1),
    succeeded: () => {},
    fullReconcile: () => {},
  };
  const build = (id: string): DeployerCore => {
    const real = createKubernetesTarget({
      name: 'local', installation: id, client: CascadeObjectApi.forConfig(kc, undefined, { namespaced: options.namespaced === true }), clock: systemClock, logger: silentLogger, metrics,
      policy: { ...options.policy, ...(options.allowedNamespaces ? { allowedNamespaces: options.allowedNamespaces } : {}) },
    });
    const target = options.target ? options.target(real) : real;
    const targets = new Map([['local', target], ...(options.extraTargets ?? [])]);
    return createDeployerCore({ repo, targets, clock: systemClock, logger: silentLogger, deployerMetrics: metrics, ...(options.retry ? { retry: options.retry } : {}) });
  };
  const harness: Harness = {
    fixture,
    repo,
    client,
    installation,
    counts,
    core: build(installation),
    async restartWithEmptyDataDir() {
      await repo.close();
      const dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-cache-'));
      cacheDirs.push(dir);
      repo = await openRepo({ url: fixture.remote, branch: fixture.branch, dir: join(dir, 'repo.git') });
      harness.repo = repo;
      return (harness.core = build(harness.installation));
    },
    restart(next = harness.installation) {
      harness.installation = next;
      return (harness.core = build(next));
    },
    async pass(env) {
      const status = await harness.core.pass();
      const found = status.environments.find((e) => e.env === env);
      if (found === undefined) throw new Error(`no status for environment ${env}`);
      return found;
    },
    moveTo: (commit) => fixture.setRef(fixture.branch, commit),
    async close() {
      await repo.close();
      await fixture.cleanup();
      for (const dir of cacheDirs) await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** deployers.yaml binding environment `env` to target `local` in `namespace`. */
/** A cascade.yaml for a deployer service on the local cluster: the fixture's repo polled hourly, a ci token, `extra` appended. */
export function serviceConfigText(fixture: { remote: string; branch: string }, kubeconfig: string, level: string, extra = ''): string {
  return `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1h }
targets:
  local: { type: kubernetes, kubeconfig: ${kubeconfig} }
deployer: { listen: 127.0.0.1:0 }
aggregator:
  tokens: [ { name: ci, role: ci, sha256: "${hashToken('ci-secret')}" } ]
log: { level: ${level} }
${extra}`;
}

export function deployersYaml(env: string, namespace: string, extra = 'prune: true'): string {
  return `deployers:\n  ${env}: { target: local, namespace: ${namespace}, ${extra} }\n`;
}

/** A Deployment base template using `${image}`, `${replicas}` and `$version`. */
export function deploymentBase(name: string, extraSpec = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, labels: { app: ${name} } }
spec:
  replicas: \${replicas}
  selector: { matchLabels: { app: ${name} } }${extraSpec}
  template:
    metadata: { labels: { app: ${name}, version: $version } }
    spec:
      containers:
        - { name: app, image: "\${image}" }
`;
}

/** A version file. */
export function versionYaml(version: string, replicas = 1): string {
  return `version: "${version}"\nimage: registry.k8s.io/pause:3.10\nreplicas: ${replicas}\n`;
}

/** Repeats passes until `check` accepts the environment status (rollouts need the controllers a moment). */
export async function passUntil(h: Harness, env: string, what: string, check: (s: EnvironmentStatus) => boolean, timeoutMs = 60_000): Promise<EnvironmentStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await h.pass(env);
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(status, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
