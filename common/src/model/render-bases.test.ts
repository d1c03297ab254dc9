// Templates' base files parsed into a map of the caller's (RenderOptions.bases) rather than the long-lived cache:
// the same renders, no parsed base left in the cache, and a base parsed again only for a resource that changed.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readWorkingTree } from '../repo/working-tree.ts';
import { repoTexts } from '../testing/repo-texts.ts';
import { repoFilesFromText } from '../repo/files.ts';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { patchSnapshotSteps } from './snapshot-patch.ts';
import { runSteps } from './steps.ts';

const examples = fileURLToPath(new URL('../../../examples/shop', import.meta.url));

describe('template bases kept apart from the cache', () => {
  it('renders the same, and the cache holds what it held without them, less the parsed bases', async () => {
    const files = await readWorkingTree(examples);
    const templates = [...parseSnapshot(files).environments.get('dev')!.resources.values()].filter((r) => r.source.kind === 'template');
    expect(templates.length).toBeGreaterThan(1);
    // Fresh snapshots each time, so no render is remembered from another and every one is made from its files.
    const shared = new Map<string, unknown>();
    const together = renderEnvironment(parseSnapshot(files), 'dev', shared);
    const cache = new Map<string, unknown>();
    const bases = new Map<string, unknown>();
    const apart = renderEnvironment(parseSnapshot(files), 'dev', cache, { bases });
    expect(apart).toEqual(together);
    expect(bases.size).toBe(new Set(templates.map((r) => (r.source.kind === 'template' ? files.files.get(r.source.baseFile)!.oid : ''))).size);
    expect(cache.size).toBe(shared.size - bases.size);
  });

  it('parses the base of a resource that changed, and no other', async () => {
    const texts = repoTexts(await readWorkingTree(examples));
    const cache = new Map<string, unknown>();
    const previous = parseSnapshot(repoFilesFromText('c0', texts), { cache });
    renderEnvironment(previous, 'dev', cache, { bases: new Map() });
    texts['dev/version/shop/cart.yaml'] = texts['dev/version/shop/cart.yaml']!.replace(/^version: .*$/m, 'version: "9.0.0"');
    const files = repoFilesFromText('c1', texts);
    const patched = runSteps(patchSnapshotSteps(previous, files, cache))!;
    const bases = new Map<string, unknown>();
    const after = renderEnvironment(patched, 'dev', cache, { bases });
    expect(bases.size).toBe(1);
    expect(after.find((r) => r.name === 'shop/cart')).toMatchObject({ ok: true, version: '9.0.0' });
    expect(after).toEqual(renderEnvironment(parseSnapshot(files), 'dev', new Map()));
  });
});
