// Packages meet only through their declared exports: no relative import reaches into another package's folder, and
// every `@cascade/*` (or third-party) package a workspace imports is declared in its package.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[]; devDependencies?: Record<string, string> };
const workspaces = rootPackage.workspaces;
const SOURCE = /\.(ts|mts|js|mjs|svelte)$/;
// Static imports and re-exports (the `from` ends a statement that starts a line), side-effect imports, and `import('…')`.
const IMPORT = /^\s*import\s+(?:[^;'"]*?\bfrom\s*)?['"]([^'"]+)['"]|^\s*export\s+[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every source file of a folder, skipping dependencies and build output. */
function sources(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sources(path));
    else if (SOURCE.test(name)) found.push(path);
  }
  return found;
}

/** The specifiers a file imports (static and dynamic). */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

/** The files a file loads when it loads (static imports and re-exports of relative paths, not type-only ones), as paths. */
function loadedWith(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)]
    .filter((m) => m[3] === undefined && !/^\s*(?:import|export)\s+type\b/.test(m[0]))
    .map((m) => (m[1] ?? m[2]) as string)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier));
}

/** The workspace (or the root's scripts) a path lies in. */
function ownerOf(path: string): string {
  const first = relative(root, path).split(sep)[0] ?? '';
  return workspaces.includes(first) ? first : '(root)';
}

describe('package boundaries', () => {
  const files = [...workspaces, 'scripts'].flatMap((folder) => sources(join(root, folder)));

  it('has no relative import into another package', () => {
    const crossings = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => ({ file, spec, target: resolve(file, '..', spec) }))
        .filter(({ file, target }) => ownerOf(target) !== ownerOf(file) && ownerOf(target) !== '(root)')
        .map(({ file, spec }) => `${relative(root, file)} imports ${spec}`),
    );
    expect(crossings).toEqual([]);
  });

  it('declares every package a workspace imports', () => {
    const missing: string[] = [];
    for (const workspace of workspaces) {
      const manifest = JSON.parse(readFileSync(join(root, workspace, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
      const declared = new Set([manifest.name as unknown as string, ...Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies, ...rootPackage.devDependencies })]);
      for (const file of sources(join(root, workspace))) {
        for (const spec of importsOf(file)) {
          if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('virtual:') || builtinModules.includes(spec)) continue;
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
          if (!declared.has(name)) missing.push(`${relative(root, file)} imports ${name}, which ${workspace}/package.json does not declare`);
        }
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('keeps the folders of common free of import cycles', () => {
    const src = join(root, 'common', 'src');
    const edges = new Map<string, Set<string>>();
    for (const file of sources(src).filter((f) => !f.endsWith('.test.ts'))) {
      const from = relative(src, file).split(sep)[0] as string;
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = relative(src, resolve(file, '..', spec)).split(sep)[0] as string;
        if (to !== from && !to.startsWith('..') && to !== 'testing') edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) return void cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('loads the whole Kubernetes client only where a deployer needs it', () => {
    // Loading @kubernetes/client-node costs a process tens of MB: the transitioner and the aggregator load it only
    // for an election, through a module that only a dynamic import reaches (the Lease client's), and what they need
    // at all times comes from its small modules.
    const files = ['common', 'transitioner', 'aggregator'].flatMap((workspace) => sources(join(root, workspace, 'src'))).filter((file) => !file.endsWith('.test.ts'));
    const eager = (file: string) => /^\s*(?:import|export)\s+(?!type\b)[^;'"]*?\bfrom\s*['"]@kubernetes\/client-node['"]/m.test(readFileSync(file, 'utf8'));
    const loadedStatically = new Set(files.flatMap(loadedWith));
    const offenders = files.filter((file) => eager(file) && loadedStatically.has(file)).map((file) => relative(root, file));
    expect(offenders).toEqual([]);
    // The one module that imports it eagerly is there, and reached only dynamically.
    expect(files.filter(eager).map((file) => relative(root, file))).toEqual([join('common', 'src', 'election', 'kube-lease-client.ts')]);
  });
});
