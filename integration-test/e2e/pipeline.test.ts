// The whole pipeline on the real stack: `cascade push` through the aggregator, the transitioner promoting
// latest → dev → pp → prod, the deployer applying each environment to the cluster, all three as separate processes.
import { describe, expect, it } from 'vitest';
import type { AggregatorStatus } from '@cascade/common/api';
import type { TransitionerStatus } from '@cascade/common';
import { waitFor } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import { trailer, type BranchCommit, type DeployedEnv, type Stack } from './stack.ts';

const startStack = useStacks();
const cartImage = (version: string) => `registry.example.com/shop/cart:${version}`;
const checkoutImage = (version: string) => `registry.example.com/shop/checkout:${version}`;

/** Waits until the Deployment of `env` runs `image` in the API server. */
const imageIn = (stack: Stack, env: DeployedEnv, deployment: string, image: string) =>
  waitFor(`${deployment} in ${env} to run ${image}`, async () => {
    const live = await stack.image(env, deployment);
    if (live !== image) throw new Error(`${env} runs ${live}`);
    return true;
  });

/** The Transition commits into `target`, newest first. */
const transitionsInto = (commits: BranchCommit[], target: string) =>
  commits.filter((c) => trailer(c, 'Cascade-Type') === 'Transition' && trailer(c, 'Cascade-Target') === target);

/** `cascade status -o json`, as a script would read it. */
async function status(stack: Stack): Promise<AggregatorStatus> {
  const run = await stack.cli('operator', ['status', '-o', 'json']);
  expect(run, run.stderr).toMatchObject({ code: 0 });
  return JSON.parse(run.stdout) as AggregatorStatus;
}

async function transitionerStatus(stack: Stack): Promise<TransitionerStatus> {
  return (await (await fetch(`${stack.services.transitioner.url}/status`)).json()) as TransitionerStatus;
}

describe('the pipeline end to end', () => {
  it('takes a pushed version to dev, to pp once dev is Clean, and to prod only in its window, changelog included', async () => {
    const stack = await startStack({ prefix: 'e2e-flow' });
    const prodBefore = await stack.image('prod', 'cart');
    expect(prodBefore).toMatch(/^registry\.example\.com\/shop\/cart:/);
    const changelog = 'Faster checkout of big carts\n\nTicket SHOP-42';
    const push = await stack.cli('ci', ['push', 'shop/cart', '1.5.0', '--set', `image=${cartImage('1.5.0')}`, '--changelog', '-'], `${changelog}\n`);
    expect(push, push.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining('pushed shop/cart 1.5.0 to latest') });

    await imageIn(stack, 'dev', 'cart', cartImage('1.5.0'));
    await imageIn(stack, 'pp', 'cart', cartImage('1.5.0'));
    // The prod window is months away: pp has the version, prod keeps its own, and the transitioner says why.
    await waitFor('the transitioner to skip prod for its schedule', async () => {
      const prod = (await transitionerStatus(stack)).transitions.find((t) => t.name === 'prod');
      return prod?.lastResult?.kind === 'Skipped' && prod.lastResult.reason.kind === 'Scheduled' ? true : undefined;
    });
    expect(await stack.image('prod', 'cart')).toBe(prodBefore);
    expect(await stack.file('prod/version/shop/cart.yaml')).not.toContain('1.5.0');

    // An operator opens the window by setting the next run to a past time the schedule fires at (06:00 Berlin on 1 January).
    const pastWindow = `${new Date().getUTCFullYear() - 1}-01-01T05:00:00.000Z`;
    await stack.write(() => ({ changes: { 'transition_state.yaml': `transitions:\n  prod:\n    nextRun: "${pastWindow}"\n` }, message: 'Open the prod window now' }));
    await imageIn(stack, 'prod', 'cart', cartImage('1.5.0'));

    // One commit per step, each with its trailers, the changelog carried into every promotion.
    const commits = await stack.commits();
    const version = commits.filter((c) => trailer(c, 'Cascade-Type') === 'Version');
    expect(version).toHaveLength(1);
    expect(version[0]).toMatchObject({ body: changelog, trailers: expect.arrayContaining([['Cascade-Resource', 'shop/cart'], ['Cascade-Env', 'latest'], ['Cascade-Version', '1.5.0']]) });
    for (const [source, target] of [['latest', 'dev'], ['dev', 'pp'], ['pp', 'prod']] as const) {
      const carrying = transitionsInto(commits, target).filter((c) => /shop\/cart \S+ → 1\.5\.0/.test(c.body));
      expect(carrying, `${source} → ${target}`).toHaveLength(1);
      expect(carrying[0]!.trailers).toEqual(expect.arrayContaining([['Cascade-Source', source], ['Cascade-Target', target]]));
      expect(carrying[0]!.body).toContain('Faster checkout of big carts');
      expect(carrying[0]!.body).toContain('Ticket SHOP-42');
    }
    // pp came after dev had rolled out: its commit follows dev's, and the dev rollout had completed by then.
    const [dev] = transitionsInto(commits, 'dev').filter((c) => c.body.includes('1.5.0'));
    const [pp] = transitionsInto(commits, 'pp').filter((c) => c.body.includes('1.5.0'));
    expect(commits.indexOf(pp!)).toBeLessThan(commits.indexOf(dev!));
    const devRollout = (await stack.deployment('dev', 'cart'))?.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(devRollout?.reason).toBe('NewReplicaSetAvailable');
    expect(Math.floor(new Date(devRollout!.lastUpdateTime!).getTime() / 1000)).toBeLessThanOrEqual(pp!.time);
    // The prod promotion used the window and recorded the next one in the same commit.
    const [prod] = transitionsInto(commits, 'prod');
    const state = await stack.fixture.git('show', `${prod!.commit}:transition_state.yaml`);
    expect(state).toMatch(/lastRun:/);
    expect(new Date(/nextRun: "?([^"\n]+)/.exec(state)?.[1] ?? '').getTime()).toBeGreaterThan(prod!.time * 1000);
  });

  it('holds a locked pp, then brings everything pending in one commit when it is unlocked', async () => {
    const stack = await startStack({ prefix: 'e2e-lock' });
    const lock = await stack.cli('operator', ['lock', 'pp', '--reason', 'release freeze until Monday']);
    expect(lock, lock.stderr).toMatchObject({ code: 0 });
    for (const [resource, image, version] of [['shop/cart', cartImage, '1.5.0'], ['shop/checkout', checkoutImage, '2.2.0']] as const) {
      const push = await stack.cli('ci', ['push', resource, version, '--set', `image=${image(version)}`]);
      expect(push, push.stderr).toMatchObject({ code: 0 });
    }
    await imageIn(stack, 'dev', 'cart', cartImage('1.5.0'));
    await imageIn(stack, 'dev', 'checkout', checkoutImage('2.2.0'));
    await waitFor('dev Clean and pp skipped for its lock, in the aggregator status', async () => {
      const seen = await status(stack);
      const dev = seen.deployer.state === 'ok' ? seen.deployer.status.environments.find((e) => e.env === 'dev') : undefined;
      const pp = seen.transitioner.state === 'ok' ? seen.transitioner.status.transitions.find((t) => t.name === 'pp') : undefined;
      const held = pp?.lastResult?.kind === 'Skipped' && pp.lastResult.reason.kind === 'TargetLocked';
      return dev?.state === 'Clean' && dev.commit === seen.commit && held ? true : undefined;
    });
    expect(await stack.image('pp', 'cart')).toBe(cartImage('1.4.2'));
    expect(await stack.image('pp', 'checkout')).not.toBe(checkoutImage('2.2.0'));

    const unlock = await stack.cli('operator', ['unlock', 'pp']);
    expect(unlock, unlock.stderr).toMatchObject({ code: 0 });
    await imageIn(stack, 'pp', 'cart', cartImage('1.5.0'));
    await imageIn(stack, 'pp', 'checkout', checkoutImage('2.2.0'));
    const commits = await stack.commits();
    const unlockAt = commits.findIndex((c) => trailer(c, 'Cascade-Type') === 'Unlock');
    const afterUnlock = transitionsInto(commits.slice(0, unlockAt), 'pp');
    expect(afterUnlock).toHaveLength(1);
    const changed = (await stack.fixture.git('show', '--format=', '--name-only', afterUnlock[0]!.commit)).trim().split('\n');
    expect(changed).toEqual(expect.arrayContaining(['pp/version/shop/cart.yaml', 'pp/version/shop/checkout.yaml']));
    expect(transitionsInto(commits.slice(unlockAt), 'pp').filter((c) => c.body.includes('1.5.0'))).toEqual([]);
  });

  it('keeps a version whose rollout fails in dev out of pp, and cascade status says why', async () => {
    const files: Record<string, string> = {};
    for (const env of ['latest', 'dev', 'pp']) {
      files[`${env}/base/shop/risky.yaml`] = riskyBase;
      files[`${env}/version/shop/risky.yaml`] = 'version: "1.0.0"\nimage: registry.example.com/shop/risky:1.0.0\nnode: kwok-node-0\n';
    }
    const stack = await startStack({ prefix: 'e2e-fail', files });
    // Pinned to a node that does not exist: the pod is never scheduled and the rollout passes its deadline.
    const push = await stack.cli('ci', ['push', 'shop/risky', '2.0.0', '--set', 'image=registry.example.com/shop/risky:2.0.0', '--set', 'node=no-such-node']);
    expect(push, push.stderr).toMatchObject({ code: 0 });

    const seen = await waitFor('the failed dev rollout in cascade status', async () => {
      const answer = await status(stack);
      const pp = answer.transitioner.state === 'ok' ? answer.transitioner.status.transitions.find((t) => t.name === 'pp') : undefined;
      return pp?.lastResult?.kind === 'CheckFailed' ? answer : undefined;
    });
    const dev = seen.deployer.state === 'ok' ? seen.deployer.status.environments.find((e) => e.env === 'dev') : undefined;
    expect(dev?.state).toBe('Failed');
    expect(dev?.resources.find((r) => r.name === 'shop/risky')).toMatchObject({ state: 'Failed', version: '2.0.0', reason: expect.stringContaining('ProgressDeadlineExceeded') });
    const pp = seen.transitioner.state === 'ok' ? seen.transitioner.status.transitions.find((t) => t.name === 'pp') : undefined;
    expect(pp?.lastResult).toMatchObject({ kind: 'CheckFailed', message: expect.stringMatching(/dev.*failed.*shop\/risky/s) });
    expect(await stack.image('dev', 'risky')).toBe('registry.example.com/shop/risky:2.0.0');
    expect(await stack.image('pp', 'risky')).toBe('registry.example.com/shop/risky:1.0.0');
    expect(await stack.file('pp/version/shop/risky.yaml')).toContain('version: "1.0.0"');
    expect(transitionsInto(await stack.commits(), 'pp').filter((c) => c.body.includes('2.0.0'))).toEqual([]);
  });

  it('rolls pp back through the CLI: the earlier version runs again and the resource stays locked there', async () => {
    const stack = await startStack({ prefix: 'e2e-back' });
    const push = await stack.cli('ci', ['push', 'shop/cart', '1.5.0', '--set', `image=${cartImage('1.5.0')}`]);
    expect(push, push.stderr).toMatchObject({ code: 0 });
    await imageIn(stack, 'pp', 'cart', cartImage('1.5.0'));

    const rollback = await stack.cli('operator', ['rollback', 'pp', 'shop/cart', '--to', '1.4.2']);
    expect(rollback, rollback.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining('cascade unlock pp shop/cart') });
    await imageIn(stack, 'pp', 'cart', cartImage('1.4.2'));
    const [latest] = await stack.commits();
    expect(latest?.trailers).toEqual(expect.arrayContaining([['Cascade-Type', 'Rollback'], ['Cascade-Env', 'pp'], ['Cascade-Resource', 'shop/cart'], ['Cascade-Version', '1.4.2']]));
    const cart = (await status(stack)).resources.find((r) => r.name === 'shop/cart');
    expect(cart?.envs['pp']).toMatchObject({ version: '1.4.2', locked: true, lockReasons: ['rolled back to 1.4.2 by alice'] });

    // Sticky: a newer version reaches a Clean dev, and the pp round after that leaves the rolled-back cart alone.
    const next = await stack.cli('ci', ['push', 'shop/cart', '1.6.0', '--set', `image=${cartImage('1.6.0')}`]);
    expect(next, next.stderr).toMatchObject({ code: 0 });
    await imageIn(stack, 'dev', 'cart', cartImage('1.6.0'));
    const devClean = await waitFor('dev Clean with 1.6.0', async () => {
      const env = (await status(stack)).deployer;
      const dev = env.state === 'ok' ? env.status.environments.find((e) => e.env === 'dev') : undefined;
      return dev?.state === 'Clean' && dev.resources.find((r) => r.name === 'shop/cart')?.version === '1.6.0' ? new Date() : undefined;
    });
    await waitFor('a pp round after dev was Clean', async () => {
      const pp = (await transitionerStatus(stack)).transitions.find((t) => t.name === 'pp');
      return pp?.lastRun !== undefined && new Date(pp.lastRun) > devClean ? true : undefined;
    });
    expect(await stack.image('pp', 'cart')).toBe(cartImage('1.4.2'));
    expect(await stack.file('pp/version/shop/cart.yaml')).toContain('version: "1.4.2"');
  });
});

/** A Deployment pinned to the node named by the version file, with a short progress deadline. */
const riskyBase = `apiVersion: apps/v1
kind: Deployment
metadata: { name: risky, labels: { app: risky } }
spec:
  replicas: 1
  progressDeadlineSeconds: 5
  selector: { matchLabels: { app: risky } }
  template:
    metadata: { labels: { app: risky, version: $version } }
    spec:
      nodeSelector: { kubernetes.io/hostname: "\${node}" }
      containers: [ { name: risky, image: "\${image}" } ]
`;
