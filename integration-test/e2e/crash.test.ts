// Crash safety on the real stack: kill -9 each service at random points while CI pushes 50 versions, restart it,
// and check that every acknowledged push is deployed exactly once on a linear, complete history.
import { describe, expect, it } from 'vitest';
import { imageOf, pushUntilAcknowledged, type Acknowledged } from './ci.ts';
import { waitFor, type ServiceName } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import { trailer, type Stack } from './stack.ts';

const startStack = useStacks();
const PUSHES = 50;
/** Resource → the Deployment it renders in dev. */
const RESOURCES = { 'shop/cart': 'cart', 'shop/checkout': 'checkout', payments: 'payments' } as const;
type ResourceName = keyof typeof RESOURCES;

/** A small seeded generator, so a failing run can be replayed by its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until `done()` and for at least two rounds: kill -9 a service (each once per round, in random order), wait, restart
 * it. The aggregator is struck while a push is in flight, the moment a lost or doubled write would come from.
 */
async function killAtRandom(stack: Stack, next: () => number, done: () => boolean, pushesInFlight: () => number, kills: string[]): Promise<void> {
  const names: ServiceName[] = ['deployer', 'transitioner', 'aggregator'];
  for (let round = 0; round < 2 || !done(); round++) {
    for (const name of [...names].sort(() => next() - 0.5)) {
      await sleep(300 + next() * 2000);
      if (name === 'aggregator') {
        for (let waited = 0; pushesInFlight() === 0 && !done() && waited < 5000; waited += 5) await sleep(5);
        await sleep(next() * 100);
      }
      const service = stack.services[name];
      await service.kill();
      kills.push(name);
      await sleep(next() * 1500);
      await service.start();
    }
  }
}

describe('crash safety', () => {
  it('deploys every acknowledged push exactly once while each service is killed with SIGKILL and restarted', async () => {
    const stack = await startStack({ prefix: 'e2e-kill' });
    const seed = Date.now();
    const next = random(seed);
    const resources = Object.keys(RESOURCES) as ResourceName[];
    // One CI pipeline per resource, pushing its versions in order; together they make PUSHES pushes.
    const plans = resources.map((resource, r) => Array.from({ length: Math.ceil((PUSHES - r) / resources.length) }, (_, i) => `3.${i}.${r}`));
    expect(plans.flat()).toHaveLength(PUSHES);
    const acknowledged: Acknowledged[] = [];
    const refusals: string[] = [];
    const kills: string[] = [];
    let pushing = true;
    let killerError: unknown;
    let inFlight = 0;
    const killer = killAtRandom(stack, next, () => !pushing, () => inFlight, kills).catch((error: unknown) => void (killerError = error));
    try {
      await Promise.all(resources.map(async (resource, r) => {
        for (const [i, version] of (plans[r] ?? []).entries()) {
          // Paced like a busy CI, so the stream spans several kills.
          await sleep(next() * 800);
          acknowledged.push(await pushUntilAcknowledged(stack, resource, version, { viaCli: (i + r) % 5 === 0, refusals, abort: () => killerError, inFlight: (delta) => (inFlight += delta) }));
        }
      }));
    } finally {
      pushing = false;
      await killer;
    }
    if (killerError !== undefined) throw killerError;
    console.log(`seed ${seed}: ${acknowledged.length} pushes acknowledged, ${refusals.length} attempts refused, services killed: ${kills.join(', ')}`);
    expect(new Set(kills)).toEqual(new Set(['deployer', 'transitioner', 'aggregator']));

    // Deployed: the last version of each resource runs in dev.
    for (const [r, resource] of resources.entries()) {
      const last = plans[r]!.at(-1)!;
      await waitFor(`${resource} ${last} to run in dev`, async () => {
        const live = await stack.image('dev', RESOURCES[resource]);
        if (live !== imageOf(resource, last)) throw new Error(`dev runs ${live}`);
        return true;
      }, { timeoutMs: 120_000 });
    }

    // Linear and complete: no merges, every acknowledged commit on the branch.
    const branch = stack.fixture.branch;
    expect((await stack.fixture.git('rev-list', '--merges', branch)).trim()).toBe('');
    for (const ack of acknowledged) await expect(stack.fixture.git('merge-base', '--is-ancestor', ack.commit, branch), `${ack.resource} ${ack.version}`).resolves.toBeDefined();
    // Not duplicated: each version in exactly one Version commit, which is the one acknowledged; no commit without a change.
    const versionCommits = (await stack.commits()).filter((c) => trailer(c, 'Cascade-Type') === 'Version');
    expect(versionCommits).toHaveLength(PUSHES);
    for (const ack of acknowledged) {
      const matching = versionCommits.filter((c) => trailer(c, 'Cascade-Resource') === ack.resource && trailer(c, 'Cascade-Version') === ack.version);
      expect(matching.map((c) => c.commit), `${ack.resource} ${ack.version}`).toEqual([ack.commit]);
    }
    const trees = (await stack.fixture.git('log', '--first-parent', '--format=%T %P', branch)).trim().split('\n').map((line) => line.split(' '));
    const treeOf = new Map((await stack.fixture.git('log', '--first-parent', '--format=%H %T', branch)).trim().split('\n').map((line) => line.split(' ') as [string, string]));
    const empty = trees.filter(([tree, parent]) => parent !== undefined && treeOf.get(parent) === tree);
    expect(empty, 'commits that change nothing').toEqual([]);
  }, 420_000);
});
