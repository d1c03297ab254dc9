// The no-downgrade rule on a real history: a rollback stays where it was made, an earlier version never replaces a
// later one, and a person's hand-made step back in the target stays until something newer arrives.
import { describe, expect, it } from 'vitest';
import { decideOn, expectRound } from '../testing/decide-on-fixture.ts';

describe('no automatic downgrade', () => {
  it('promotes normally when nothing went back', () => expectRound('no-downgrade.yaml', { history: true }, ['dev: Skipped NoChange', 'pp: Skipped NoChange'], 'promoted'));

  it('keeps a rollback in the environment it was made in, and promotes the rest', async () => {
    const { fx, plan } = await decideOn('no-downgrade.yaml', { at: 'rolled-back', history: true });
    const pp = plan.steps[1]?.decision;
    expect(pp).toMatchObject({ kind: 'Promote', resources: [{ name: 'shop/search', from: '2.0', to: '2.1' }] });
    expect(pp?.kind === 'Promote' ? pp.held : []).toEqual([
      { name: 'shop/cart', problem: expect.objectContaining({ code: 'rolled-back-in-source', file: 'dev/locks.yaml', message: 'dev was rolled back to 1.5.1; pp keeps 1.5.2' }) },
    ]);
    await fx.assertRefMatches('main', 'rolled-back-expected');
  });

  it('never moves the target to a version that entered the pipeline earlier than its own', async () => {
    const { fx, plan, summary } = await decideOn('no-downgrade.yaml', { at: 'older-in-dev', history: true });
    expect(summary).toEqual(['dev: Skipped NoChange', 'pp: Skipped NoChange; held shop/cart (older-version)']);
    expect(plan.steps[1]?.decision).toMatchObject({ reason: { held: [{ message: 'dev has 1.5.1, which entered the pipeline before 1.5.2; pp keeps 1.5.2' }] } });
    await fx.assertRefMatches('main', 'older-in-dev');
  });
});

describe("a person's hand-made step back in the target", () => {
  it('is respected: the version it replaced is not promoted over it again', async () => {
    const { fx, plan, summary } = await decideOn('no-downgrade.yaml', { at: 'pp-set-back', history: true });
    expect(summary).toEqual(['dev: Skipped NoChange', 'pp: Skipped NoChange; held shop/cart (set-back-in-target)']);
    expect(plan.steps[1]?.decision).toMatchObject({
      reason: { held: [{ message: expect.stringMatching(/^pp was set back to 1\.5\.1 by Bob \(commit [0-9a-f]{12}\); dev has 1\.5\.2, not newer than the 1\.5\.2 it replaced, so pp keeps 1\.5\.1$/) }] },
    });
    await fx.assertRefMatches('main', 'pp-set-back');
  });

  it('gives way to a version newer than the one it replaced', () =>
    expectRound('no-downgrade.yaml', { at: 'newer-after-set-back', history: true }, ['dev: Promote shop/cart changed 1.5.2→1.5.3', 'pp: Promote shop/cart changed 1.5.1→1.5.3'], 'newer-after-set-back-expected'));

  it('gives way to a person who promotes by hand', async () => {
    const { plan } = await decideOn('no-downgrade.yaml', { at: 'pp-set-back', history: true, manual: 'pp' });
    expect(plan.steps[0]?.decision).toMatchObject({ kind: 'Promote', resources: [{ name: 'shop/cart', from: '1.5.1', to: '1.5.2' }] });
  });
});
