// High availability on the real stack: three deployer processes sharing three shards and two transitioner processes,
// elected with Leases on the local control plane. While CI pushes 50 versions, the deployer acting for dev and then
// the active transitioner are killed with SIGKILL; every push still reaches dev and pp exactly once, no two processes
// ever deploy the same environment at the same time, and a standby takes over within the lease duration.
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import { leaseApiFor, shardOf, type LeaseApi } from '@cascade/common/election';
import { imageOf, pushUntilAcknowledged } from './ci.ts';
import { deployIntervals, overlapping } from './deploy-log.ts';
import { runCli, waitFor, type ServiceProcess } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import { trailer, type DeployedEnv, type Stack } from './stack.ts';

const startStack = useStacks();
const PUSHES = 50;
const SHARDS = 3;
const LEASE_SECONDS = 4;
const RETRY_SECONDS = 1;
const RESOURCES = { 'shop/cart': 'cart', 'shop/checkout': 'checkout', payments: 'payments' } as const;
type ResourceName = keyof typeof RESOURCES;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process whose address a Lease names, or undefined while nobody holds it. */
async function holder(leases: LeaseApi, processes: ServiceProcess[], match: (labels: Record<string, string>) => boolean): Promise<ServiceProcess | undefined> {
  const lease = (await leases.list('cascade.dev/lease')).find((l) => match(l.labels));
  if (lease?.holder === undefined || lease.address === undefined) return undefined;
  return processes.find((p) => p.url === lease.address);
}

/** Kills `victim` with SIGKILL and measures how long until another process holds the Lease it held. */
async function killAndTakeOver(victim: ServiceProcess, find: () => Promise<ServiceProcess | undefined>): Promise<{ killedAt: number; seconds: number }> {
  const killedAt = Date.now();
  await victim.kill();
  const next = await waitFor('another replica to hold the Lease', async () => {
    const now = await find();
    return now !== undefined && now !== victim ? now : undefined;
  }, { timeoutMs: 60_000, intervalMs: 50 });
  expect(next.running).toBe(true);
  return { killedAt, seconds: (Date.now() - killedAt) / 1000 };
}

describe('failover', () => {
  it('keeps deploying and promoting every push exactly once while the active deployer and transitioner are killed', async () => {
    const stack: Stack = await startStack({
      prefix: 'e2e-ha',
      logLevel: 'debug',
      election: { replicas: { deployer: 3, transitioner: 2, aggregator: 2 }, shards: SHARDS, leaseDuration: `${LEASE_SECONDS}s`, renewDeadline: '3s', retryPeriod: `${RETRY_SECONDS}s` },
    });
    const kc = new KubeConfig();
    kc.loadFromFile(inject('kubeconfig'));
    const leases = leaseApiFor(kc.makeApiClient(CoordinationV1Api), stack.leaseNamespace!);
    const deployers = stack.replicas.deployer;
    const transitioners = stack.replicas.transitioner;
    const devShard = (labels: Record<string, string>) => labels['cascade.dev/lease'] === 'deployer-shard' && labels['cascade.dev/shard'] === String(shardOf('dev', SHARDS));
    const activeTransitioner = (labels: Record<string, string>) => labels['cascade.dev/lease'] === 'transitioner';
    await waitFor('every shard and the transitioner Lease held', async () => {
      const held = (await leases.list('cascade.dev/lease')).filter((l) => l.holder !== undefined && l.address !== undefined);
      return held.filter((l) => l.labels['cascade.dev/lease'] === 'deployer-shard').length === SHARDS && held.some((l) => activeTransitioner(l.labels)) ? true : undefined;
    });

    const resources = Object.keys(RESOURCES) as ResourceName[];
    const plans = resources.map((resource, r) => Array.from({ length: Math.ceil((PUSHES - r) / resources.length) }, (_, i) => `4.${i}.${r}`));
    expect(plans.flat()).toHaveLength(PUSHES);
    const killed = new Map<ServiceProcess, number>();
    const takeovers: string[] = [];
    let pushed = 0;
    let strikeError: unknown;
    // The strikes: the deployer acting for dev after a third of the pushes, the active transitioner after two thirds.
    const strikes = (async () => {
      while (pushed < PUSHES / 3) await sleep(100);
      const deployer = (await holder(leases, deployers, devShard))!;
      const d = await killAndTakeOver(deployer, () => holder(leases, deployers, devShard));
      killed.set(deployer, d.killedAt);
      takeovers.push(`deployer (shard of dev) ${d.seconds.toFixed(1)} s`);
      while (pushed < (2 * PUSHES) / 3) await sleep(100);
      const transitioner = (await holder(leases, transitioners, activeTransitioner))!;
      const t = await killAndTakeOver(transitioner, () => holder(leases, transitioners, activeTransitioner));
      killed.set(transitioner, t.killedAt);
      takeovers.push(`transitioner ${t.seconds.toFixed(1)} s`);
    })().catch((error: unknown) => void (strikeError = error));

    // One CI pipeline per resource: push, wait until pp runs it, push the next.
    await Promise.all(resources.map(async (resource, r) => {
      for (const version of plans[r]!) {
        await pushUntilAcknowledged(stack, resource, version, { abort: () => strikeError });
        pushed++;
        for (const env of ['dev', 'pp'] as DeployedEnv[]) {
          await waitFor(`${resource} ${version} in ${env}`, async () => ((await stack.image(env, RESOURCES[resource])) === imageOf(resource, version) ? true : undefined), { timeoutMs: 120_000 });
        }
      }
    }));
    await strikes;
    if (strikeError !== undefined) throw strikeError;
    console.log(`takeover after SIGKILL (lease ${LEASE_SECONDS} s, retry ${RETRY_SECONDS} s): ${takeovers.join(', ')}`);
    expect(takeovers).toHaveLength(2);
    // The lease duration after the last renewal (at most a retry period before the kill), plus the standby's own retry
    // period; the bound leaves as much again for a loaded machine, the printed times are the measurement.
    for (const line of takeovers) expect(Number(/([\d.]+) s$/.exec(line)![1])).toBeLessThanOrEqual(2 * LEASE_SECONDS);

    // Exactly once: every version in one promotion commit into dev and one into pp, none twice.
    const commits = await stack.commits();
    for (const [r, resource] of resources.entries()) {
      for (const version of plans[r]!) {
        for (const target of ['dev', 'pp']) {
          const line = new RegExp(`(^|\\n)\\W*${resource.replace('/', '\\/')} \\S+ → ${version.replace(/\./g, '\\.')}(\\s|$)`);
          const carrying = commits.filter((c) => trailer(c, 'Cascade-Type') === 'Transition' && trailer(c, 'Cascade-Target') === target && line.test(c.body));
          expect(carrying, `${resource} ${version} → ${target}`).toHaveLength(1);
        }
      }
    }
    // Both aggregator replicas serve the same outcome: the last versions Clean in dev and pp.
    for (const aggregator of stack.replicas.aggregator) {
      await waitFor(`${aggregator.url} to show dev and pp Clean with the last versions`, async () => {
        const run = await runCli(['status', '-o', 'json'], { url: aggregator.url, token: stack.tokens.viewer });
        const seen = JSON.parse(run.stdout) as AggregatorStatus;
        if (seen.deployer.state !== 'ok') return undefined;
        const clean = ['dev', 'pp'].every((env) => seen.deployer.state === 'ok' && seen.deployer.status.environments.find((e) => e.env === env)?.state === 'Clean');
        const head = (await stack.commits())[0]!.commit;
        return clean && seen.commit === head ? true : undefined;
      }, { timeoutMs: 60_000 });
    }
    // Never two processes deploying one environment at the same time.
    const intervals = await deployIntervals(deployers, killed);
    expect(intervals.length).toBeGreaterThan(0);
    expect(overlapping(intervals)).toEqual([]);
    // After the kill, another process deployed dev.
    const victim = deployers.findIndex((d) => killed.has(d));
    expect(intervals.some((i) => i.env === 'dev' && i.process !== victim && i.from > killed.get(deployers[victim]!)!)).toBe(true);
  }, 600_000);
});
