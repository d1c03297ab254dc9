// Deployer shards on the real stack: three deployer processes split 30 environments over six shard Leases; each
// environment is deployed by exactly one of them at a time, and when one is killed with SIGKILL its environments
// move to the others, which deploy the next change of each once.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { DeployerStatus } from '@cascade/common';
import type { AggregatorStatus } from '@cascade/common/api';
import { deployIntervals, overlapping } from './deploy-log.ts';
import { waitFor, type ServiceProcess } from './harness.ts';
import { useStacks } from './stack-hooks.ts';

const startStack = useStacks();
const ENVIRONMENTS = 30;

const settings = (round: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  round: "${round}"\n`;

describe('deployer shards', () => {
  it('deploys each of 30 environments from exactly one replica, and moves those of a killed replica to the others', async () => {
    const id = `shards-${Date.now().toString(36)}`;
    const envs = Array.from({ length: ENVIRONMENTS }, (_, i) => `extra-${String(i + 1).padStart(2, '0')}`);
    const namespaceOf = (env: string) => `${id}-${env}`;
    const files: Record<string, string> = { 'deployers.yaml': `deployers:\n${envs.map((env) => `  ${env}: { target: local, namespace: ${namespaceOf(env)}, prune: true }\n`).join('')}` };
    for (const env of envs) files[`${env}/deployable/settings.yaml`] = settings(1);
    const stack = await startStack({ prefix: 'e2e-shards', logLevel: 'debug', files, election: { replicas: { deployer: 3, transitioner: 1 }, shards: 6, leaseDuration: '4s', renewDeadline: '3s', retryPeriod: '1s' } });
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const core = kc.makeApiClient(CoreV1Api);
    stack.afterStop(() => Promise.all(envs.map((env) => core.deleteNamespace({ name: namespaceOf(env) }).catch(() => {}))));
    const round = async (env: string) => (await core.readNamespacedConfigMap({ name: 'settings', namespace: namespaceOf(env) }).catch(() => undefined))?.data?.round;
    const everywhere = (value: string) => waitFor(`round ${value} in all ${ENVIRONMENTS} environments`, async () => ((await Promise.all(envs.map(round))).every((r) => r === value) ? true : undefined), { timeoutMs: 180_000 });
    const statusOf = async (deployer: ServiceProcess) => (await (await fetch(`${deployer.url}/status`)).json()) as DeployerStatus;
    /**
     * Which live replicas report which environments, once every environment is reported by exactly one and every
     * replica has its share (right after a start one replica may hold every shard until it sees the others).
     */
    const split = (live: ServiceProcess[]) => waitFor('each environment reported by exactly one replica, every replica with some', async () => {
      const reported = await Promise.all(live.map(async (d) => (await statusOf(d)).environments.map((e) => e.env)));
      const all = reported.flat();
      return all.length === ENVIRONMENTS && new Set(all).size === ENVIRONMENTS && reported.every((r) => r.length > 0) ? reported : undefined;
    }, { timeoutMs: 90_000 });

    await everywhere('1');
    const deployers = stack.replicas.deployer;
    // Six shards over three replicas: two each, so every replica has some environments.
    const before = await split(deployers);

    const victim = deployers[before.findIndex((reported) => reported.length === Math.max(...before.map((r) => r.length)))]!;
    const killedAt = Date.now();
    await victim.kill();
    const survivors = deployers.filter((d) => d !== victim);
    const after = await split(survivors);
    expect(after.flat().sort()).toEqual([...envs].sort());

    // A change to every environment after the kill: the survivors deploy it, each environment once.
    const commit = await stack.write(() => ({ changes: Object.fromEntries(envs.map((env) => [`${env}/deployable/settings.yaml`, settings(2)])), message: 'Round 2 everywhere' }));
    await everywhere('2');
    // The aggregator gathers the status from the replica holding each shard: all 30 environments, at round 2.
    await waitFor('the aggregator to report every environment deployed at the new commit', async () => {
      const run = await stack.cli('viewer', ['status', '-o', 'json']);
      const seen = JSON.parse(run.stdout) as AggregatorStatus;
      const reported = seen.deployer.state === 'ok' ? seen.deployer.status.environments : [];
      return reported.length === ENVIRONMENTS && reported.every((e) => e.commit === commit) ? true : undefined;
    }, { timeoutMs: 60_000 });
    const intervals = await deployIntervals(deployers, new Map([[victim, killedAt]]));
    expect(overlapping(intervals)).toEqual([]);
    for (const env of envs) {
      const deployersOfChange = new Set(intervals.filter((i) => i.env === env && i.commit === commit).map((i) => i.process));
      expect(deployersOfChange.size, env).toBe(1);
      expect(deployersOfChange.has(deployers.indexOf(victim)), env).toBe(false);
    }
  }, 600_000);
});
