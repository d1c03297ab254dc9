// A source that cannot say what a resource should be never costs the target that resource: it is held, not deleted.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '@cascade/common';
import { decideOn, expectRound, loadFixture } from '../testing/decide-on-fixture.ts';

describe('unreadable source version files', () => {
  it('holds symlinked, unparsable, non-UTF-8, alias-bomb, version-less and doubly defined files and promotes the rest', () =>
    expectRound(
      'source-unreadable.yaml',
      {},
      [
        'dev: Promote shop/payments changed 3.0→3.1; held shop/bomb (latest/version/shop/bomb.yaml yaml-alias), shop/cart (latest/version/shop/cart.yaml symlink), ' +
          'shop/orders (latest/version/shop/orders.yaml not-utf8), shop/search (latest/version/shop/search.yaml yaml-syntax), ' +
          'shop/twice (latest/version/shop/twice.yml duplicate-resource), shop/unversioned (latest/version/shop/unversioned.yaml version-missing)',
      ],
      'expected',
    ));

  it('copies a version file with the executable bit instead of deleting the target one', () =>
    expectRound('source-executable.yaml', {}, ['dev: Promote shop/cart changed 1.0→1.1'], 'expected'));

  it('holds a source file over the read bound instead of deleting the target one', async () => {
    const spec = loadFixture('source-oversized.yaml');
    const head = spec.commits[0]!;
    head.files = { ...head.files, 'latest/version/shop/cart.yaml': `version: "2.0"\npadding: "${'x'.repeat(MAX_FILE_BYTES)}"\n` };
    await expectRound(spec, {}, ['dev: Promote shop/payments changed 3.0→3.1; held shop/cart (latest/version/shop/cart.yaml too-large)'], 'expected');
  });

  it('fails the check, naming the file, when a held resource is all there is to promote', async () => {
    const { fx, plan } = await decideOn('source-held-only.yaml');
    const message = /^nothing promoted: shop\/cart is held \(dev keeps what it has\): latest\/version\/shop\/cart\.yaml:\d+:\d+: error: /;
    expect(plan.steps[0]?.decision).toEqual({ kind: 'CheckFailed', message: expect.stringMatching(message) });
    await fx.assertRefMatches('main', 'head');
  });
});

describe('a source whose folder structure is broken', () => {
  it('deletes nothing in the target while a source file has a refused name', () =>
    expectRound('source-structure.yaml', {}, ['dev: Promote shop/payments changed 3.0→3.1; held shop/legacy/old (latest/version/Shop/Legacy.yaml bad-name)'], 'bad-name-expected'));

  it('keeps the target files of a source subfolder that became a file', () =>
    expectRound('source-structure.yaml', { at: 'subfolder-is-file' }, ['dev: Promote search changed 5.0→5.1; held shop/cart (latest/version/shop not-yaml), shop/payments (latest/version/shop not-yaml)'], 'subfolder-is-file-expected'));

  it('still mirrors when the only hold is inside base/ or deployable/, which hide no version file', () =>
    expectRound('source-structure.yaml', { at: 'readme-in-base' }, ['dev: Promote search changed 5.0→5.1, shop/old removed 0.9→-'], 'readme-in-base-expected'));

  it.each([
    ['version-is-symlink', 'latest/version'],
    ['version-is-file', 'latest/version'],
    ['env-is-symlink', 'latest'],
  ])('writes nothing and names the entry when the source is broken as a whole (%s)', async (at, entry) => {
    const { fx, plan } = await decideOn('source-structure.yaml', { at });
    expect(plan.steps[0]?.decision).toEqual({ kind: 'CheckFailed', message: expect.stringContaining(`${entry}: error: ${entry} must be a folder`) });
    await fx.assertRefMatches('main', at);
  });
});

describe('a target entry in the way', () => {
  it('does not replace a target version/ that is a file', async () => {
    const { fx, plan } = await decideOn('target-version-not-folder.yaml');
    expect(plan.steps[0]?.decision).toEqual({ kind: 'CheckFailed', message: expect.stringContaining('dev/version: error:') });
    await fx.assertRefMatches('main', 'head');
  });
});

describe('names that are JavaScript built-ins', () => {
  it('treats constructor as a transition, environment and resource of its own', () =>
    expectRound('prototype-names.yaml', {}, ['dev: Promote constructor changed 1.0→2.0', 'constructor: Skipped Scheduled 2024-01-02T06:00:00.000Z'], 'expected'));
});
