// The status answer built from a parsed repo: what each resource looks like in each environment.
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { VersionCatalog } from '../history/version-catalog.ts';
import { buildStatus, type PeerStatuses } from './build-status.ts';

const PEERS: PeerStatuses = { deployer: { state: 'unknown', url: 'http://deployer' }, transitioner: { state: 'unknown', url: 'http://transitioner' } };
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { version: $version }\n`;

/** A two-environment repo, with `dev`'s files replaced by unreadable entries where asked. */
function snapshotWith(unreadable: Record<string, 'symlink' | 'oversized'>) {
  const files = repoFilesFromText('c0ffee', {
    'dev/base/shop/cart.yaml': configMap('cart'),
    'dev/version/shop/cart.yaml': 'version: "0.9"\ntoken: s3cret\n',
    'dev/deployable/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\n',
    'pp/base/shop/cart.yaml': configMap('cart'),
    'pp/version/shop/cart.yaml': 'version: "0.8"\n',
  });
  for (const [path, kind] of Object.entries(unreadable)) {
    files.files.set(path, kind === 'symlink' ? { path, kind: 'symlink', oid: 'l1', size: 12 } : { path, kind: 'file', oid: 'big', size: MAX_FILE_BYTES + 1 });
  }
  return parseSnapshot(files);
}

describe('buildStatus', () => {
  it('carries the problems of a resource whose own files cannot be read, with their place, and only there', () => {
    const status = buildStatus(snapshotWith({ 'dev/version/shop/cart.yaml': 'symlink', 'dev/deployable/web.yaml': 'oversized' }), new VersionCatalog(), PEERS);
    const cart = status.resources.find((r) => r.name === 'shop/cart');
    expect(cart?.envs['dev']).toMatchObject({ kind: 'template', problems: [{ file: 'dev/version/shop/cart.yaml', code: 'symlink', message: expect.any(String) }] });
    expect(cart?.envs['dev']?.version).toBeUndefined();
    expect(cart?.envs['pp']).toEqual({ kind: 'template', version: '0.8', fields: { version: '0.8' }, lockReasons: [], locked: false });
    const web = status.resources.find((r) => r.name === 'web')?.envs['dev'];
    expect(web?.problems).toEqual([{ file: 'dev/deployable/web.yaml', code: 'too-large', message: expect.any(String) }]);
    // Only what a person needs to fix it: the severity is always "error", env and resource are where it sits.
    expect(Object.keys(web?.problems?.[0] ?? {}).sort()).toEqual(['code', 'file', 'message']);
  });

  it('keeps line and column when the problem has a position, and leaves healthy resources without problems', () => {
    const healthy = buildStatus(snapshotWith({}), new VersionCatalog(), PEERS);
    expect(healthy.resources.every((r) => Object.values(r.envs).every((inEnv) => !('problems' in inEnv)))).toBe(true);
    expect(healthy.resources.find((r) => r.name === 'shop/cart')?.envs['dev']?.fields).toEqual({ version: '0.9', token: '[redacted]' });

    const files = repoFilesFromText('c0ffee', { 'dev/base/cart.yaml': configMap('cart'), 'dev/version/cart.yaml': 'version: "1"\nversion: "2"\n' });
    const broken = buildStatus(parseSnapshot(files), new VersionCatalog(), PEERS).resources[0]?.envs['dev'];
    expect(broken?.problems).toEqual([expect.objectContaining({ file: 'dev/version/cart.yaml', line: 2, col: expect.any(Number) })]);
  });
});
