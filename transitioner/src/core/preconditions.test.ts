// Preconditions and priority on fixtures: what the deployer says decides which transitions move and which wait.
import { describe, expect, it } from 'vitest';
import { decideOn, deployerSays } from '../testing/decide-on-fixture.ts';

describe('SourceClean', () => {
  it('promotes from a Clean source, then blocks the next transition whose source just changed', async () => {
    const { fx, summary } = await decideOn('pipeline.yaml', { deployer: deployerSays({ dev: 'Clean', pp: 'Clean' }) });
    expect(summary).toEqual(['dev: Skipped NoChange', 'pp: Promote shop/cart changed 1.1→1.2', 'prod: Blocked']);
    await fx.assertRefMatches('main', 'pp-promoted');
  });

  it.each(['InProgress', 'Outdated'] as const)('blocks while the source is %s, and the transitions after it wait', async (state) => {
    const { fx, plan, summary } = await decideOn('pipeline.yaml', { deployer: deployerSays({ dev: state, pp: 'Clean' }) });
    expect(summary).toEqual(['dev: Skipped NoChange', 'pp: Blocked', 'prod: waits for pp']);
    expect(plan.steps[1]?.decision).toEqual({ kind: 'Blocked', message: `waiting for dev to finish rolling out: shop/cart (NotAllUpdated 1/3)` });
    await fx.assertRefMatches('main', 'head');
  });

  it('blocks while the deployer reports an older commit at which the source differed', async () => {
    const { fx, plan } = await decideOn('pipeline.yaml', { deployer: deployerSays({ dev: 'Clean', pp: 'Clean' }), deployedAtHead: ['pp'] });
    expect(plan.steps[1]?.decision).toMatchObject({ kind: 'Blocked', message: expect.stringContaining('dev changed since') });
    await fx.assertRefMatches('main', 'head');
  });

  it('blocks while the deployer is unreachable or does not know the source yet', async () => {
    const unreachable = await decideOn('pipeline.yaml', { deployer: { kind: 'Unreachable', message: 'connect ECONNREFUSED 127.0.0.1:7401' } });
    expect(unreachable.plan.steps[1]?.decision).toEqual({ kind: 'Blocked', message: 'cannot ask the deployer about dev: connect ECONNREFUSED 127.0.0.1:7401' });
    const unknown = await decideOn('pipeline.yaml', { deployer: deployerSays({ pp: 'Clean' }) });
    expect(unknown.plan.steps[1]?.decision).toEqual({ kind: 'Blocked', message: 'the deployer does not report environment dev yet' });
  });

  it('fails the check when the source rollout Failed, and goes on with the next transition', async () => {
    const { fx, summary, plan } = await decideOn('pipeline.yaml', { deployer: deployerSays({ dev: 'Failed', pp: 'Clean' }) });
    expect(summary).toEqual(['dev: Skipped NoChange', 'pp: CheckFailed', 'prod: Promote shop/cart changed 1.0→1.1']);
    expect(plan.steps[1]?.decision).toEqual({ kind: 'CheckFailed', message: 'the rollout of dev failed: shop/cart (ProgressDeadlineExceeded)' });
    await fx.assertRefMatches('main', 'prod-promoted');
  });
});

describe('priority', () => {
  it('runs transitions in file order, each on the result of the one before', async () => {
    const { fx, summary } = await decideOn('priority.yaml', { deployer: deployerSays({ dev: 'Clean' }) });
    expect(summary).toEqual(['pp: Promote shop/cart changed 1.1→1.2', 'dev: Promote shop/cart changed 1.2→1.3']);
    await fx.assertRefMatches('main', 'expected');
  });

  it('lets nothing after a blocked transition change its source', async () => {
    const { fx, summary } = await decideOn('priority.yaml', { deployer: deployerSays({ dev: 'InProgress' }) });
    expect(summary).toEqual(['pp: Blocked', 'dev: waits for pp']);
    await fx.assertRefMatches('main', 'head');
  });
});

describe('SoakTime', () => {
  it('blocks until the source versions have been in place long enough', async () => {
    const early = await decideOn('soak.yaml', { now: '2024-01-02T05:20:00Z', versionsSince: { dev: '2024-01-02T05:00:00Z' } });
    expect(early.plan.steps[0]?.decision).toEqual({ kind: 'Blocked', message: 'waiting for the versions of dev to soak: 20 of 30 minutes, until 2024-01-02T05:30:00.000Z' });
    await early.fx.assertRefMatches('main', 'head');
    const late = await decideOn('soak.yaml', { now: '2024-01-02T05:30:00Z', versionsSince: { dev: '2024-01-02T05:00:00Z' } });
    expect(late.summary).toEqual(['pp: Promote shop/cart changed 1.1→1.2']);
    await late.fx.assertRefMatches('main', 'expected');
  });
});
