// The pure core against git fixtures: decide on the `head` commit, commit what was decided, compare with `expected`.
import { describe, expect, it } from 'vitest';
import { decideOn } from './decide-on-fixture.ts';

describe('copying version files', () => {
  it('updates a changed version file and leaves base/, deployable/ and locks alone', async () => {
    const { fx, summary } = await decideOn('target-changed.yaml');
    expect(summary).toEqual(['dev: Promote shop/cart changed 1.0→1.1']);
    await fx.assertRefMatches('main', 'expected');
  });

  it('creates the target environment', async () => {
    const { fx, summary } = await decideOn('target-created.yaml');
    expect(summary).toEqual(['dev: Promote shop/cart added -→1.1']);
    await fx.assertRefMatches('main', 'expected');
  });

  it('skips a source without version files instead of wiping the target', async () => {
    const { fx, summary } = await decideOn('source-missing.yaml');
    expect(summary).toEqual(['dev: Skipped SourceMissing']);
    await fx.assertRefMatches('main', 'head');
  });

  it('mirrors subfolders, deleting what the source no longer has', async () => {
    const { fx, summary } = await decideOn('subfolders.yaml');
    expect(summary).toEqual(['dev: Promote shop/legacy/old removed 0.9→-, shop/payments/api changed 3.0→3.1, shop/payments/worker added -→3.1']);
    await fx.assertRefMatches('main', 'expected');
  });

  it('reports NoChange when the target has everything', async () => {
    const { fx, summary } = await decideOn('no-change.yaml');
    expect(summary).toEqual(['dev: Skipped NoChange']);
    await fx.assertRefMatches('main', 'head');
  });
});

describe('locks', () => {
  it('skips the whole transition when the target is locked', async () => {
    const { fx, plan } = await decideOn('env-locked.yaml');
    expect(plan.steps[0]?.decision).toEqual({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['release freeze until Monday'] } });
    await fx.assertRefMatches('main', 'head');
  });

  it('leaves locked resources out, neither updated nor deleted', async () => {
    const { fx, summary } = await decideOn('resource-locked.yaml');
    expect(summary).toEqual(['dev: Promote shop/search added -→5.0']);
    await fx.assertRefMatches('main', 'expected');
  });

  it('an env lock wins over resource locks', async () => {
    const { fx, summary } = await decideOn('both-locked.yaml');
    expect(summary).toEqual(['dev: Skipped TargetLocked']);
    await fx.assertRefMatches('main', 'head');
  });
});
