// The transitioner with the real deployer on the local cluster: versions flow latest → dev → pp only when dev is Clean.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { DeployerStatus, TransitionResult } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { createDeployerClient } from '@cascade/common/peers';
import { silentLogger, systemClock } from '@cascade/common/service';
import { startDeployer, type RunningDeployer } from '@cascade/deployer';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { createTransitioner, type Transitioner } from '@cascade/transitioner';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';

const ns = useTestNamespace({ prefix: 'trn' });
// Rollouts and the deployer's backoff on a busy machine take a while; the test timeout is 120 s.
const WAIT = { timeoutMs: 100_000, intervalMs: 200 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Deployment per environment (named after it, so dev and pp share the test namespace); pods go where `nodeSelector` allows. */
const base = (env: string, name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}-${env} }
spec:
  replicas: 1
  progressDeadlineSeconds: 3
  selector: { matchLabels: { app: ${name}-${env} } }
  template:
    metadata: { labels: { app: ${name}-${env}, version: $version } }
    spec:
      nodeSelector: \${nodeSelector}
      containers: [ { name: app, image: "registry.k8s.io/pause:3.10" } ]
`;
/** A version file; `schedulable: false` selects a node that does not exist, so the rollout never finishes. */
const version = (v: string, schedulable = true) => `version: "${v}"\nnodeSelector: ${schedulable ? '{}' : '{ cascade.test/no-such-node: "true" }'}\n`;

interface Pipeline {
  fx: GitFixture;
  ci: GitRepo;
  deployer: RunningDeployer;
  transitioner: Transitioner;
  deployerStatus(): Promise<DeployerStatus>;
  result(name: string): TransitionResult | undefined;
  /** The commit of the last promotion this transitioner made for `name`. */
  promoted(name: string): string | undefined;
  file(path: string): Promise<string | null>;
}

/** latest → dev → pp, dev and pp deployed into the test namespace by the real deployer, both services polling every second. */
async function startPipeline(resources: string[], ppLocked = false): Promise<Pipeline> {
  const files: Record<string, string> = {
    'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n',
    'deployers.yaml': `deployers:\n  dev: { target: local, namespace: ${ns.namespace}, prune: true }\n  pp: { target: local, namespace: ${ns.namespace}, prune: true }\n`,
  };
  for (const name of resources) {
    for (const env of ['latest', 'dev', 'pp']) {
      files[`${env}/base/${name}.yaml`] = base(env, name);
      files[`${env}/version/${name}.yaml`] = version('1');
    }
  }
  if (ppLocked) files['pp/locks.yaml'] = 'env_lock: { reasons: ["release freeze"] }\n';
  const fx = await createFixture({ commits: [{ name: 'start', files }] });
  const dir = await mkdtemp(join(tmpdir(), 'cascade-transitioner-it-'));
  cleanups.push(async () => {
    await fx.cleanup();
    await rm(dir, { recursive: true, force: true });
  });
  const text = `repo: { url: ${fx.remote}, branch: ${fx.branch}, pollInterval: 1s }
dataDir: ${dir}
targets:
  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }
deployer: { listen: 127.0.0.1:0 }
log: { level: error }
`;
  const file = join(dir, 'cascade.yaml');
  await writeFile(file, text);
  const config = parseConfig(text, { file });
  const deployer = await startDeployer(config, { logger: silentLogger });
  cleanups.push(() => deployer.stop());
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'transitioner.git') });
  const transitioner = createTransitioner({ config, repo, deployerClient: createDeployerClient(deployer.url), clock: systemClock, logger: silentLogger });
  cleanups.push(async () => {
    await transitioner.stop();
    await repo.close();
  });
  const ci = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'ci.git') });
  cleanups.push(() => ci.close());
  transitioner.start();
  return {
    fx,
    ci,
    deployer,
    transitioner,
    deployerStatus: async () => (await (await fetch(`${deployer.url}/status`)).json()) as DeployerStatus,
    result: (name) => transitioner.status().transitions.find((t) => t.name === name)?.lastResult,
    promoted: (name) => {
      const status = transitioner.status();
      const commit = status.transitions.find((t) => t.name === name)?.lastSuccess?.commit;
      // Not yet: what the transitioner last saw becomes the cause of a timeout, so a failure explains itself.
      if (commit === undefined) throw new Error(`transitioner status: ${JSON.stringify(status)}`);
      return commit;
    },
    file: (path) => fx.readFile(fx.branch, path),
  };
}

/** Publishes versions to latest as CI does: one commit with the changelog in the body and the Version trailers. */
async function publish(p: Pipeline, versions: Record<string, string>) {
  for (const [name, content] of Object.entries(versions)) {
    await p.ci.write(() => ({
      changes: { [`latest/version/${name}.yaml`]: content },
      message: `Version ${name}\n\nchangelog of ${name}`,
      trailers: [['Cascade-Type', 'Version'], ['Cascade-Resource', name], ['Cascade-Env', 'latest']],
    }));
  }
}

describe('transitioner with the real deployer', () => {
  it('brings a new version to dev at once, and to pp only once dev is Clean with it', async () => {
    const p = await startPipeline(['web']);
    await publish(p, { web: version('2') });
    const ppCommit = await waitUntil('pp to receive version 2', async () => p.promoted('pp'), WAIT);
    // When pp was promoted, the deployer had dev rolled out Clean with the content pp received.
    const devStatus = (await p.deployerStatus()).environments.find((e) => e.env === 'dev');
    expect(devStatus).toMatchObject({ state: 'Clean', resources: [{ name: 'web', version: '2', state: 'Clean' }] });
    const devPromotion = (await p.fx.git('log', '--format=%H', '--grep=^Promote latest → dev', p.fx.branch)).trim().split('\n')[0] ?? '';
    expect((await p.fx.git('merge-base', '--is-ancestor', devPromotion, ppCommit).then(() => true))).toBe(true);
    expect(await p.file('pp/version/web.yaml')).toBe(version('2'));
    expect(await p.fx.git('log', '-1', '--format=%B', ppCommit)).toContain('* web 1 → 2\n  Version web\n  changelog of web\n');
  });

  it('never brings a version whose rollout fails in dev to pp', async () => {
    const p = await startPipeline(['web']);
    await publish(p, { web: version('2', false) });
    await waitUntil('the dev rollout to fail and pp to be held back', async () => {
      const result = p.result('pp');
      return result?.kind === 'CheckFailed' ? result : undefined;
    }, WAIT);
    expect(p.result('pp')).toMatchObject({ kind: 'CheckFailed', message: expect.stringContaining('the rollout of dev failed') });
    expect(await p.file('dev/version/web.yaml')).toBe(version('2', false));
    expect(await p.file('pp/version/web.yaml')).toBe(version('1'));
  });

  it('gives a locked pp nothing, then everything pending in one commit once unlocked', async () => {
    const p = await startPipeline(['web', 'api'], true);
    await publish(p, { web: version('2'), api: version('2') });
    await waitUntil('dev to be Clean with both versions while pp stays locked', async () => {
      const dev = (await p.deployerStatus()).environments.find((e) => e.env === 'dev');
      const clean = dev?.state === 'Clean' && dev.resources.every((r) => r.version === '2');
      return clean && p.result('pp')?.kind === 'Skipped' ? true : undefined;
    }, WAIT);
    expect(p.result('pp')).toEqual({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['release freeze'] } });
    expect(await p.file('pp/version/web.yaml')).toBe(version('1'));

    await p.ci.write(() => ({ changes: { 'pp/locks.yaml': null }, message: 'Unlock pp', trailers: [['Cascade-Type', 'Unlock'], ['Cascade-Env', 'pp']] }));
    const ppCommit = await waitUntil('pp to receive what was pending', async () => p.promoted('pp'), WAIT);
    const changed = (await p.fx.git('show', '--format=', '--name-only', ppCommit)).trim().split('\n').sort();
    expect(changed).toEqual(['pp/version/api.yaml', 'pp/version/web.yaml']);
  });
});
