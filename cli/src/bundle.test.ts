// The bundled CLI answers like the sources, counts as fresh only while it is newer than every source file, and loads
// at start only the command line, so --version, --help and small commands do not pay for the services' libraries.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, bundleIsFresh, SOURCE_DIRS } from '../build/bundle.mjs';

const root = join(import.meta.dirname, '..', '..');

// A bundle of its own (the shared cli/dist may be in use by other tests meanwhile), inside the checkout so that its
// imports of third-party packages resolve from node_modules as cli/dist's do.
const cache = join(root, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const outdir = mkdtempSync(join(cache, 'cascade-bundle-test-'));
beforeAll(() => bundleCli(outdir), 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Runs the CLI's `main` from `entry` with `args` in a fresh process and returns what it printed. */
function runMain(entry: string, args: string[], loader: string[] = []): string {
  const script = `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(${JSON.stringify(args)});`;
  return execFileSync(process.execPath, [...loader, '--input-type=module', '-e', script], { encoding: 'utf8' });
}

/** What Node loads from the bundle before `main` runs: the sources in the files `entry` imports statically, and the packages they import. */
function loadedAtStart(dir: string, entry = 'main.js'): { code: string; sources: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    // esbuild writes every static import at the start of a line (`import {\n  a\n} from "./chunk-X.js";`, `import "./y.js";`);
    // dynamic imports (`import("./z.js")`) are what a command's action loads when it runs.
    for (const [, specifier] of readFileSync(join(dir, file), 'utf8').matchAll(/^(?:import|export)\s+(?:[^'";]*?\s+from\s+)?"([^"]+)";?$/gm)) {
      if (specifier!.startsWith('./')) visit(specifier!.slice(2));
      else if (!specifier!.startsWith('node:')) packages.add(specifier!);
    }
  };
  visit(entry);
  const code = [...files].map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
  // esbuild marks the start of each module's code with its path from the checkout's root.
  const sources = [...code.matchAll(/^\/\/ (\S+\.ts)$/gm)].map((m) => m[1]!);
  return { code, sources: sources.sort(), packages: [...packages].sort() };
}

describe('the bundled CLI', () => {
  it('answers as the sources do, and goes stale when a source file changes', async () => {
    expect(bundleIsFresh(outdir)).toBe(true);
    const source = join(SOURCE_DIRS[0] as string, 'main.ts');
    for (const args of [['--help'], ['--version']]) {
      expect(runMain(pathToFileURL(join(outdir, 'main.js')).href, args)).toBe(runMain(pathToFileURL(source).href, args, ['--import', 'tsx']));
    }
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

  it('loads only the command line at start: each command, the libraries it uses and the services come when it runs', () => {
    const { code, sources, packages } = loadedAtStart(outdir);
    expect(sources).toContain('cli/src/main.ts');
    expect(sources).toContain('cli/src/command-line.ts');
    // No YAML parser, cryptography, logger, HTTP stack or Kubernetes client before a command asks for it.
    expect(packages).toEqual(['cac']);
    expect(sources.filter((s) => s.startsWith('cli/src/commands/') || /^(deployer|transitioner|aggregator)\//.test(s))).toEqual([]);
    // Every command is a module of its own, loaded by its action.
    expect(code).toMatch(/import\("\.\/validate-[A-Z0-9]+\.js"\)/);
  });

  it('holds of the Kubernetes client only what the services use, instead of loading the package (all its generated modules)', () => {
    const files = readdirSync(outdir).filter((file) => file.endsWith('.js'));
    const code = files.map((file) => readFileSync(join(outdir, file), 'utf8'));
    expect(code.join('\n')).not.toMatch(/(from\s*|import\()"@kubernetes\/client-node/);
    const holding = code.filter((text) => /^\/\/ node_modules\/@kubernetes\/client-node\//m.test(text));
    expect(holding.length).toBeGreaterThan(0);
    // The package's JavaScript is 21 MB; the few classes used, with what they reach, are under 1 MB.
    const packageBytes = jsBytesBelow(join(root, 'node_modules', '@kubernetes', 'client-node', 'dist'));
    expect(holding.reduce((sum, text) => sum + Buffer.byteLength(text), 0)).toBeLessThan(packageBytes / 10);
  });
});

/** The size of the JavaScript files below `dir`. */
function jsBytesBelow(dir: string): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}
