// Bundles the `cascade` command (with the services it starts) into cli/dist, so a call starts in a fraction of a
// second instead of compiling TypeScript through tsx first. Third-party packages stay in node_modules; the
// services are split into chunks loaded only by the commands that run them. Plain JavaScript: it runs before tsx.
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where the bundle goes; bin/cascade.js uses it while it is newer than every source file. */
export const BUNDLE_DIR = join(root, 'cli', 'dist');
/** The folders whose TypeScript the bundle holds. */
export const SOURCE_DIRS = ['cli/src', 'common/src', 'deployer/src', 'transitioner/src', 'aggregator/src'].map((dir) => join(root, dir));

/** The newest modification time among the bundled sources (and the package manifests, whose exports steer resolution). */
export function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name === 'package.json') newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  for (const dir of SOURCE_DIRS) newest = Math.max(newest, statSync(join(dir, '..', 'package.json')).mtimeMs);
  return newest;
}

/** True when the bundle in `dir` exists and is newer than every source file. */
export function bundleIsFresh(dir = BUNDLE_DIR) {
  try {
    return statSync(join(dir, 'main.js')).mtimeMs > newestSourceMtime();
  } catch {
    return false;
  }
}

// Bare imports other than Cascade's own packages are loaded from node_modules at run time.
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@cascade/') ? undefined : { path: args.path, external: true }));
  },
};

// `import.meta.url` keeps meaning the source file, so paths relative to it (the dashboard's files) still resolve.
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url).replaceAll('import.meta.dirname', JSON.stringify(join(args.path, '..'))), loader: 'ts' };
    });
  },
};

/** Builds the bundle into `outdir`; resolves with it. */
export async function bundleCli(outdir = BUNDLE_DIR) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'cli', 'src', 'main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    plugins: [thirdPartyExternal, sourceLocation],
    logLevel: 'warning',
  });
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleCli();
  console.error(`cascade: bundled the CLI into ${BUNDLE_DIR}`);
}
