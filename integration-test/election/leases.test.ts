// Leader election on a real API server: Lease objects created, renewed, taken over and released, fencing that stops
// a replica before another can act, a replica cut off from the API server, and shards split between replicas.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseElector, leaseApiFor, leaseLabels, ShardSet, type LeaseApi } from '@cascade/common/election';
import { createLogger } from '@cascade/common/service';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import { startTcpProxy, type TcpProxy } from '../setup/tcp-proxy.ts';

const ns = useTestNamespace({ prefix: 'lease' });
const logger = createLogger({ level: 'error', format: 'json' });
// Short, so the tests take seconds; the same ratios as client-go's 15 s / 10 s / 2 s.
const TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };
const running: Array<{ stop(): Promise<void> }> = [];
const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop().catch(() => {})));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

const api = (kc = ns.kc): LeaseApi => leaseApiFor(kc.makeApiClient(CoordinationV1Api), ns.namespace);

function elector(identity: string, leases: LeaseApi = api(), name = 'cascade-test-transitioner'): LeaseElector {
  const e = new LeaseElector({ api: leases, name, identity, labels: leaseLabels('test', 'transitioner'), address: `http://${identity}:7402`, logger, ...TIMING });
  running.push(e);
  return e;
}

/** Samples who may act every 20 ms while `during` runs: the moments each replica could act, for overlap checks. */
async function watchActors(replicas: Record<string, { ok(): boolean }>, during: () => Promise<void>): Promise<Array<{ at: number; acting: string[] }>> {
  const samples: Array<{ at: number; acting: string[] }> = [];
  const sample = () => samples.push({ at: performance.now(), acting: Object.entries(replicas).filter(([, r]) => r.ok()).map(([n]) => n) });
  const timer = setInterval(sample, 20);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  sample();
  return samples;
}

describe('leader election with Leases', () => {
  it('one of two replicas holds the Lease, with its identity and address in it; the other stands by', async () => {
    const a = elector('replica-a');
    const b = elector('replica-b');
    await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect([a.ok(), b.ok()].filter(Boolean)).toHaveLength(1);
    const leader = a.ok() ? 'replica-a' : 'replica-b';
    const lease = await api().get('cascade-test-transitioner');
    expect(lease).toMatchObject({ holder: leader, address: `http://${leader}:7402`, durationMs: 3000 });
    expect(lease!.labels).toMatchObject({ 'cascade.dev/installation': 'test', 'cascade.dev/lease': 'transitioner', 'app.kubernetes.io/managed-by': 'cascade' });
  });

  it('hands over at once when the holder stops, and the new holder counts a transition', async () => {
    const a = elector('replica-a');
    await a.tick();
    expect(a.ok()).toBe(true);
    const b = elector('replica-b');
    await b.tick();
    expect(b.ok()).toBe(false);
    await a.stop();
    expect(a.ok()).toBe(false);
    await b.tick();
    expect(b.ok()).toBe(true);
    expect(await api().get('cascade-test-transitioner')).toMatchObject({ holder: 'replica-b', transitions: 1 });
  });

  it('stops a holder cut off from the API server before another replica takes over', async () => {
    const proxy = await startTcpProxy(ns.kc);
    proxies.push(proxy);
    const a = elector('replica-a', api(proxy.kubeConfig));
    await a.tick();
    expect(a.ok()).toBe(true);
    a.start();
    const b = elector('replica-b');
    b.start();
    const samples = await watchActors({ a, b }, async () => {
      proxy.refuse();
      await waitUntil('replica-b took over', async () => (b.ok() ? true : undefined), { timeoutMs: 15_000, intervalMs: 20 });
    });
    expect(samples.every((s) => s.acting.length <= 1)).toBe(true);
    const firstB = samples.find((s) => s.acting.includes('b'))!;
    expect(samples.filter((s) => s.at >= firstB.at).every((s) => !s.acting.includes('a'))).toBe(true);
    expect(a.ok()).toBe(false);
  });

  it('gives a Lease raced for by many replicas to exactly one', async () => {
    const replicas = Array.from({ length: 6 }, (_, i) => elector(`racer-${i}`));
    await Promise.all(replicas.map((r) => r.tick()));
    await Promise.all(replicas.map((r) => r.tick()));
    expect(replicas.filter((r) => r.ok())).toHaveLength(1);
  });
});

describe('deployer shards', () => {
  const shardSet = (identity: string) => {
    const set = new ShardSet({ api: api(), installation: 'test', identity, shards: 6, address: `http://${identity}:7401`, logger, ...TIMING });
    running.push(set);
    return set;
  };
  const names = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? `staging-${i}` : `env-${i}`));

  it('splits the shards evenly between the live replicas, and moves those of a replica that stops to the others', async () => {
    const sets = { a: shardSet('deployer-a'), b: shardSet('deployer-b'), c: shardSet('deployer-c') };
    for (const set of Object.values(sets)) set.start();
    const samples: Array<Array<string[]>> = [];
    const timer = setInterval(() => samples.push(names.map((name) => Object.entries(sets).filter(([, s]) => s.owns(name)).map(([n]) => n))), 20);
    try {
      await waitUntil('every replica holds two shards', async () => (Object.values(sets).every((s) => s.held().length === 2) ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
      for (const name of names) expect(Object.values(sets).filter((s) => s.owns(name))).toHaveLength(1);
      const ofC = names.filter((name) => sets.c.owns(name));
      expect(ofC.length).toBeGreaterThan(0);
      await sets.c.stop();
      await waitUntil('a and b hold all six shards', async () => (sets.a.held().length + sets.b.held().length === 6 ? true : undefined), { timeoutMs: 20_000, intervalMs: 100 });
      for (const name of ofC) expect(sets.a.owns(name) || sets.b.owns(name)).toBe(true);
      expect([sets.a.held().length, sets.b.held().length].sort()).toEqual([3, 3]);
    } finally {
      clearInterval(timer);
    }
    // At no sampled moment did two replicas act for the same environment or staging.
    expect(samples.every((sample) => sample.every((owners) => owners.length <= 1))).toBe(true);
  });
});
