// Files Cascade writes stay far below the read bound: a push or lock that would grow one past MAX_WRITTEN_FILE_BYTES
// is refused with 413 naming the file, and a file a person already made unreadably large is named as such.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_WRITTEN_FILE_BYTES } from '@cascade/common';
import type { FixtureSpec } from '@cascade/git-fixture';
import { SHOP_FIXTURE } from '../testing/shop-fixture.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** SHOP_FIXTURE plus one commit in which a person wrote `files`. */
function shopWith(files: Record<string, string>): FixtureSpec {
  return { ...SHOP_FIXTURE, commits: [...SHOP_FIXTURE.commits, { name: 'by-hand', message: 'Edited by hand', files }] };
}

/** `count` fields of 16000 characters each (the most one value may hold), named `<prefix>0`, `<prefix>1`, … */
function bigFields(prefix: string, count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'x'.repeat(16_000)]));
}

/** A locks.yaml whose environment lock has reasons adding up to about `bytes`. */
function locksOf(bytes: number): string {
  const reasons = Array.from({ length: Math.ceil(bytes / 400) }, (_, i) => `    - "incident ${i} ${'x'.repeat(380)}"`);
  return `env_lock:\n  reasons:\n${reasons.join('\n')}\n`;
}

async function errorOf(res: Response): Promise<{ code: string; details?: Record<string, unknown> }> {
  return ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;
}

describe('the bound on files Cascade writes', () => {
  it('refuses a push whose version file would exceed it with 413 naming the file, size and bound', async () => {
    h = await startHarness();
    const first = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.1.0', fields: bigFields('a', 12) } });
    expect(first.status).toBe(201);
    const before = await h.remoteCommits();
    // Each push is well under the 1 MiB body limit; together with the fields already there the file would not be.
    const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.2.0', fields: bigFields('b', 8) } });
    expect(res.status).toBe(413);
    const error = await errorOf(res);
    expect(error.code).toBe('version-file-too-large');
    expect(error.details).toMatchObject({ file: 'latest/version/shop/cart.yaml', limit: MAX_WRITTEN_FILE_BYTES });
    expect(error.details?.['size']).toBeGreaterThan(MAX_WRITTEN_FILE_BYTES);
    expect(await h.remoteCommits()).toEqual(before);
    // A push that does not grow the file past the bound still goes through.
    expect((await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.2.0' } })).status).toBe(201);
  });

  it('refuses a new version file over the bound in one push', async () => {
    h = await startHarness();
    const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'payments', version: '1.0.0', fields: bigFields('a', 20) } });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).details).toMatchObject({ file: 'latest/version/payments.yaml' });
  });

  it('refuses a lock that would grow locks.yaml past it, and still lets an unlock shrink the file', async () => {
    h = await startHarness({ fixture: shopWith({ 'prod/locks.yaml': locksOf(MAX_WRITTEN_FILE_BYTES + 1000) }) });
    const before = await h.remoteCommits();
    const lock = await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'one more' } });
    expect(lock.status).toBe(413);
    expect(await errorOf(lock)).toMatchObject({ code: 'locks-file-too-large', details: { file: 'prod/locks.yaml', limit: MAX_WRITTEN_FILE_BYTES } });
    // A rollback locks the resource it restores, in the same file.
    const rollback = await h.call('POST', '/api/v1/rollbacks', { role: 'operator', body: { env: 'prod', resource: 'shop/cart', to: '0.9.0' } });
    expect(rollback.status).toBe(413);
    expect((await errorOf(rollback)).code).toBe('locks-file-too-large');
    expect(await h.remoteCommits()).toEqual(before);
    const unlock = await h.call('DELETE', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: `incident 0 ${'x'.repeat(380)}` } });
    expect(unlock.status).toBe(201);
  });
});

describe('a file over the read bound', () => {
  const huge = `version: "1.0.0"\nblob: ${'x'.repeat(MAX_FILE_BYTES)}\n`;

  it('makes a push answer 409 file-too-large naming the file', async () => {
    h = await startHarness({ fixture: shopWith({ 'latest/version/shop/cart.yaml': huge }) });
    const res = await h.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: 'shop/cart', version: '1.1.0' } });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'file-too-large', details: { file: 'latest/version/shop/cart.yaml', limit: MAX_FILE_BYTES } });
  });

  it('makes a lock answer 409 file-too-large naming locks.yaml', async () => {
    h = await startHarness({ fixture: shopWith({ 'prod/locks.yaml': `# ${'x'.repeat(MAX_FILE_BYTES)}\n` }) });
    const res = await h.call('POST', '/api/v1/locks', { role: 'operator', body: { env: 'prod', reason: 'incident' } });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'file-too-large', details: { file: 'prod/locks.yaml' } });
  });
});
