// Bundles the `cascade` command (with the services it starts) into cli/dist, so a call starts in a fraction of a
// second instead of compiling TypeScript through tsx first. Third-party packages stay in node_modules; the
// services are split into chunks loaded only by the commands that run them. Plain JavaScript: it runs before tsx.
import { readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where the bundle goes; bin/cascade.js uses it while it is newer than every file it was built from. */
export const BUNDLE_DIR = join(root, 'cli', 'dist');
/** The folders whose TypeScript the bundle holds. */
export const SOURCE_DIRS = ['cli/src', 'common/src', 'deployer/src', 'transitioner/src', 'aggregator/src'].map((dir) => join(root, dir));
/** The package manifests of those folders, whose exports steer how the bundle's imports resolve. */
const MANIFESTS = SOURCE_DIRS.map((dir) => join(dir, '..', 'package.json'));
/** The list of the files a bundle was built from (from the checkout's root), kept beside it. */
const INPUTS_FILE = 'inputs.json';

/**
 * True when the bundle in `dir` exists and is newer than every file it was built from and every package manifest.
 * Only those files are looked at, so every call of `cascade` checks a list instead of walking the source folders,
 * and a changed test or a file no command imports leaves the bundle fresh.
 */
export function bundleIsFresh(dir = BUNDLE_DIR) {
  try {
    const built = statSync(join(dir, 'main.js')).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(dir, INPUTS_FILE), 'utf8')).map((file) => join(root, file));
    return [...inputs, ...MANIFESTS].every((file) => statSync(file).mtimeMs < built);
  } catch {
    // No bundle, one without its list of inputs, or a file it was built from is gone.
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
  const { metafile } = await build({
    entryPoints: [join(root, 'cli', 'src', 'main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    // Module markers in the output (`// cli/src/main.ts`) name files from the checkout's root, wherever it is built from.
    absWorkingDir: root,
    plugins: [thirdPartyExternal, sourceLocation],
    logLevel: 'warning',
    metafile: true,
  });
  await writeFile(join(outdir, INPUTS_FILE), `${JSON.stringify(Object.keys(metafile.inputs).sort(), null, 1)}\n`);
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleCli();
  console.error(`cascade: bundled the CLI into ${BUNDLE_DIR}`);
}
