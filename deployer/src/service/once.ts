// The CLI's one-shot operations: `cascade diff ENV` (server-side dry run) and `cascade deploy ENV --once` (one pass).
import type { EnvironmentStatus } from '@cascade/common';
import { closestName, SnapshotReader } from '@cascade/common';
import type { CascadeConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import type { GitRepo } from '@cascade/common/git';
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { Clock, Logger } from '@cascade/common/service';
import { silentLogger, systemClock } from '@cascade/common/service';
import { join } from 'node:path';
import type { EnvironmentDiff } from '../kubernetes/diff.ts';
import { buildDiff } from '../kubernetes/diff.ts';
import { ScriptLogStore } from '../scripts/log-store.ts';
import { keyringFromConfig } from '../secrets/keyring.ts';
import { scrubbingLogger } from '../secrets/scrubbing-logger.ts';
import { deployEnvironments, environmentPass } from './pass.ts';
import { asKubernetesTarget, buildTargets } from './targets.ts';

/** Thrown when a one-shot operation cannot run for ENV, with a stable code. */
export class DeployCommandError extends Error {
  constructor(readonly code: 'unknown-env' | 'unknown-target' | 'diff-unsupported' | 'empty-repo', message: string, readonly data: { env: string }) {
    super(message);
    this.name = 'DeployCommandError';
  }
}

/** Options of the one-shot operations. */
export interface OnceOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open repo (tests, `cascade up`); otherwise the deployer's cache under `dataDir` is used. */
  repo?: Pick<GitRepo, 'fetch' | 'readFiles'>;
  /** The keyring of `secrets.ageIdentityFile` (keyringFromConfig), when the caller scrubs its own output with it too. */
  keyring?: SecretsKeyring;
}

/** Result of `deployOnce`: the environment status after one pass, and whether it is clean. */
export interface DeployOnceResult {
  status: EnvironmentStatus;
  /** True when the environment is Clean: the CLI exits 0 then, 1 otherwise. */
  clean: boolean;
}

/** One pass for one environment, as `cascade deploy ENV --once`; an unreachable target throws TargetUnreachableError. */
export async function deployOnce(config: CascadeConfig, env: string, options: OnceOptions = {}): Promise<DeployOnceResult> {
  return withSnapshot(config, env, options, async ({ snapshot, reader, clock, logger, logs, keyring }) => {
    const targets = buildTargets(config, { clock, logger, logs });
    const deploy = () => deployEnvironments({ snapshot, cache: reader.cache, targets, previous: new Map(), clock, logger, only: env, keyring });
    let result = await deploy();
    // A script target works behind `deploy`: wait for its scripts, then report what they left (and wait for any
    // follow-up). Only the environment's own target matters; a Kubernetes one has nothing running behind it.
    const target = targets.get(snapshot.deployers.get(env)?.target ?? '');
    if (target?.settle !== undefined && result.unreachable.length === 0) {
      await target.settle();
      result = await deploy();
      await target.settle();
    }
    if (result.unreachable.length > 0) throw result.unreachable[0];
    const status = result.environments.get(env)!;
    return { status, clean: status.state === 'Clean' };
  });
}

/** What applying ENV would change, from a server-side dry run, as `cascade diff ENV`; changes nothing. */
export async function diff(config: CascadeConfig, env: string, options: OnceOptions = {}): Promise<EnvironmentDiff> {
  return withSnapshot(config, env, options, async ({ snapshot, reader, clock, logger, logs, keyring }) => {
    const binding = snapshot.deployers.get(env)!;
    const target = asKubernetesTarget(buildTargets(config, { clock, logger, logs }).get(binding.target));
    if (target === undefined) throw new DeployCommandError('diff-unsupported', `environment ${env} is deployed by target ${binding.target}, which is not a Kubernetes target; diff needs one`, { env });
    const planned = await target.plan(await environmentPass(snapshot, binding, reader.cache, keyring));
    return keyring.scrub(buildDiff(env, snapshot.commit, planned.plan, planned.live, planned.dryRun, planned.errors));
  });
}

type SnapshotContext = { snapshot: Awaited<ReturnType<SnapshotReader['read']>>; reader: SnapshotReader; clock: Clock; logger: Logger; logs: ScriptLogStore; keyring: SecretsKeyring };

/** Opens the repo, reads the head and checks ENV is bound to a defined target before running `use`. */
async function withSnapshot<T>(config: CascadeConfig, env: string, options: OnceOptions, use: (context: SnapshotContext) => Promise<T>): Promise<T> {
  const clock = options.clock ?? systemClock;
  const keyring = options.keyring ?? (await keyringFromConfig(config));
  const logger = scrubbingLogger(options.logger ?? silentLogger, keyring);
  const owned = options.repo === undefined ? await openRepo({ url: config.repo.url, branch: config.repo.branch, dir: join(config.dataDir, 'deployer', 'repo.git') }) : undefined;
  const repo = options.repo ?? owned!;
  try {
    const head = await repo.fetch();
    if (head === null) throw new DeployCommandError('empty-repo', `branch ${config.repo.branch} of ${config.repo.url} has no commits yet`, { env });
    const reader = new SnapshotReader(repo);
    const snapshot = await reader.read(head);
    const binding = snapshot.deployers.get(env);
    if (binding === undefined) {
      const suggestion = closestName(env, snapshot.deployers.keys());
      throw new DeployCommandError('unknown-env', `deployers.yaml does not bind environment ${env} to a target${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, { env });
    }
    if (config.targets[binding.target] === undefined) throw new DeployCommandError('unknown-target', `environment ${env} names target ${binding.target}, which the config does not define`, { env });
    return await use({ snapshot, reader, clock, logger, logs: new ScriptLogStore(), keyring });
  } finally {
    await owned?.close();
  }
}

