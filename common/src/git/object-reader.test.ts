// The cat-file pipe stays in step when objects are missing or too large to keep.
import { afterEach, expect, it } from 'vitest';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { GitObjectMissingError } from './errors.ts';
import { ObjectReader } from './object-reader.ts';

let fx: GitFixture | undefined;
afterEach(async () => fx?.cleanup());

it('answers pipelined requests in order, skipping the bytes of objects over the bound', async () => {
  const big = 'x'.repeat(3 * 1024 * 1024);
  fx = await createFixture({ commits: [{ name: 'c', files: { big, small: 'small\n' } }] });
  const oid = async (path: string) => (await fx?.git('rev-parse', `main:${path}`))?.trim() ?? '';
  const reader = new ObjectReader(fx.remote);
  try {
    const [bigOid, smallOid] = [await oid('big'), await oid('small')];
    const [bounded, missing, small, whole] = await Promise.allSettled([
      reader.read(bigOid, 1024),
      reader.read('0'.repeat(40)),
      reader.read(smallOid),
      reader.read(bigOid),
    ]);
    expect(bounded).toMatchObject({ status: 'fulfilled', value: { type: 'blob', size: big.length } });
    expect(bounded.status === 'fulfilled' && bounded.value.content).toBeUndefined();
    expect(missing).toMatchObject({ status: 'rejected', reason: expect.any(GitObjectMissingError) });
    expect(small.status === 'fulfilled' && small.value.content?.toString()).toBe('small\n');
    expect(whole.status === 'fulfilled' && whole.value.content?.length).toBe(big.length);
  } finally {
    reader.close();
  }
});
