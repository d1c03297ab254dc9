// The bundled CLI answers like the sources, and counts as fresh only while it is newer than every source file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleCli, bundleIsFresh, SOURCE_DIRS } from '../build/bundle.mjs';

// A bundle of its own (the shared cli/dist may be in use by other tests meanwhile), inside the checkout so that its
// imports of third-party packages resolve from node_modules as cli/dist's do.
const cache = join(import.meta.dirname, '..', '..', 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const outdir = mkdtempSync(join(cache, 'cascade-bundle-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs the CLI's `main` from `entry` with `args` in a fresh process and returns what it printed. */
function runMain(entry: string, args: string[], loader: string[] = []): string {
  const script = `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(${JSON.stringify(args)});`;
  return execFileSync(process.execPath, [...loader, '--input-type=module', '-e', script], { encoding: 'utf8' });
}

describe('the bundled CLI', () => {
  it('answers as the sources do, and goes stale when a source file changes', async () => {
    await bundleCli(outdir);
    expect(bundleIsFresh(outdir)).toBe(true);
    const source = join(SOURCE_DIRS[0] as string, 'main.ts');
    expect(runMain(pathToFileURL(join(outdir, 'main.js')).href, ['--help'])).toBe(runMain(pathToFileURL(source).href, ['--help'], ['--import', 'tsx']));
    const { atime, mtime } = statSync(source);
    try {
      const later = new Date(Date.now() + 60_000);
      utimesSync(source, later, later);
      expect(bundleIsFresh(outdir)).toBe(false);
    } finally {
      utimesSync(source, atime, mtime);
    }
    expect(bundleIsFresh(outdir)).toBe(true);
  });
});
