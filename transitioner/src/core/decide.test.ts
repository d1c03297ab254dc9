// The pure core against git fixtures: decide on the `head` commit, commit what was decided, compare with `expected`.
import { describe, expect, it } from 'vitest';
import { decideOn, expectRound } from '../testing/decide-on-fixture.ts';

describe('copying version files', () => {
  it('updates a changed version file and leaves base/, deployable/ and locks alone', () =>
    expectRound('target-changed.yaml', {}, ['dev: Promote shop/cart changed 1.0→1.1'], 'expected'));

  it('creates the target environment', () => expectRound('target-created.yaml', {}, ['dev: Promote shop/cart added -→1.1'], 'expected'));

  it('skips a source without version files instead of wiping the target', () => expectRound('source-missing.yaml', {}, ['dev: Skipped SourceMissing'], 'head'));

  it('mirrors subfolders, deleting what the source no longer has', () =>
    expectRound('subfolders.yaml', {}, ['dev: Promote shop/legacy/old removed 0.9→-, shop/payments/api changed 3.0→3.1, shop/payments/worker added -→3.1'], 'expected'));

  it('reports NoChange when the target has everything', () => expectRound('no-change.yaml', {}, ['dev: Skipped NoChange'], 'head'));
});

describe('locks', () => {
  it('skips the whole transition when the target is locked', async () => {
    const { fx, plan } = await decideOn('env-locked.yaml');
    expect(plan.steps[0]?.decision).toEqual({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: ['release freeze until Monday'] } });
    await fx.assertRefMatches('main', 'head');
  });

  it('skips the whole transition when the target locks.yaml cannot be parsed, naming the file', async () => {
    const { fx, plan } = await decideOn('locks-unparsable.yaml');
    expect(plan.steps[0]?.decision).toMatchObject({ kind: 'Skipped', reason: { kind: 'TargetLocked', reasons: [expect.stringContaining('dev/locks.yaml cannot be read')] } });
    await fx.assertRefMatches('main', 'head');
  });

  it('leaves locked resources out, neither updated nor deleted', () => expectRound('resource-locked.yaml', {}, ['dev: Promote shop/search added -→5.0'], 'expected'));

  it('an env lock wins over resource locks', () => expectRound('both-locked.yaml', {}, ['dev: Skipped TargetLocked'], 'head'));
});
