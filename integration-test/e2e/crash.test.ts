// Crash safety on the real stack: kill -9 each service at random points while CI pushes 50 versions, restart it,
// and check that every acknowledged push is deployed exactly once on a linear, complete history.
import { describe, expect, it } from 'vitest';
import type { PushVersionResponse } from '@cascade/common/api';
import { waitFor, type ServiceName } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import { trailer, type Stack } from './stack.ts';

const startStack = useStacks();
const PUSHES = 50;
/** Resource → the Deployment it renders in dev. */
const RESOURCES = { 'shop/cart': 'cart', 'shop/checkout': 'checkout', payments: 'payments' } as const;
type ResourceName = keyof typeof RESOURCES;
const imageOf = (resource: ResourceName, version: string) => `registry.example.com/${resource}:${version}`;

/** An acknowledged push: the aggregator answered 201 or 200 with this commit. */
interface Acknowledged {
  resource: ResourceName;
  version: string;
  commit: string;
}

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

/** Pushes until the aggregator acknowledges, as a CI job retrying a failed step would; odd attempts go through the CLI. */
async function pushUntilAcknowledged(stack: Stack, resource: ResourceName, version: string, viaCli: boolean, refusals: string[], failed: () => unknown): Promise<Acknowledged> {
  for (let attempt = 1; ; attempt++) {
    if (failed() !== undefined) throw new Error('the service killer failed', { cause: failed() });
    const outcome = viaCli ? await pushWithCli(stack, resource, version) : await pushWithHttp(stack, resource, version);
    if (typeof outcome !== 'string') return { resource, version, commit: outcome.commit };
    refusals.push(`${resource} ${version} attempt ${attempt}: ${outcome}`);
    if (attempt > 200) throw new Error(`${resource} ${version} was never acknowledged; last: ${outcome}`);
    await sleep(300);
  }
}

/** The answer, or why it is not an acknowledgement (only "try again later" kinds of failure are tolerated). */
async function pushWithHttp(stack: Stack, resource: ResourceName, version: string): Promise<PushVersionResponse | string> {
  let response: Response;
  try {
    response = await fetch(`${stack.services.aggregator.url}/api/v1/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.ci}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resource, version, fields: { image: imageOf(resource, version) }, changelog: `Release ${version} of ${resource}` }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    return `no answer (${(error as Error).message})`;
  }
  const body = await response.text();
  if (response.status === 201 || response.status === 200) return JSON.parse(body) as PushVersionResponse;
  if (response.status === 503) return `503 ${body}`;
  throw new Error(`push ${resource} ${version} refused for good: ${response.status} ${body}`);
}

async function pushWithCli(stack: Stack, resource: ResourceName, version: string): Promise<PushVersionResponse | string> {
  const run = await stack.cli('ci', ['push', resource, version, '--set', `image=${imageOf(resource, version)}`, '--changelog', '-', '-o', 'json'], `Release ${version} of ${resource}\n`);
  if (run.code === 0) return JSON.parse(run.stdout) as PushVersionResponse;
  // Exit code 3 is the CLI's "unreachable, nothing was changed, retry".
  if (run.code === 3) return `cli exit 3: ${run.stderr.trim()}`;
  throw new Error(`cascade push ${resource} ${version} failed with exit code ${run.code}: ${run.stderr}`);
}

/** Until `done()` and for at least two rounds: kill -9 a service (each once per round, in random order), wait, restart it. */
async function killAtRandom(stack: Stack, next: () => number, done: () => boolean, kills: string[]): Promise<void> {
  const names: ServiceName[] = ['deployer', 'transitioner', 'aggregator'];
  for (let round = 0; round < 2 || !done(); round++) {
    for (const name of [...names].sort(() => next() - 0.5)) {
      await sleep(300 + next() * 2000);
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
    const killer = killAtRandom(stack, next, () => !pushing, kills).catch((error: unknown) => void (killerError = error));
    try {
      await Promise.all(resources.map(async (resource, r) => {
        for (const [i, version] of (plans[r] ?? []).entries()) {
          // Paced like a busy CI, so the stream spans several kills.
          await sleep(next() * 800);
          acknowledged.push(await pushUntilAcknowledged(stack, resource, version, (i + r) % 5 === 0, refusals, () => killerError));
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
