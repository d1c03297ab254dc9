// The Dockerfile, checked without Docker: what it copies exists and reaches the builder, the run stage is the
// non-root, npm-free image the chart expects, and the image's file layout (the bundle, the entry point, the
// production dependencies its own install command fetches) runs the three services and serves the dashboard.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleCli } from '@cascade/cli/build';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../e2e/harness.ts';
import { deployersYaml } from '../deployer/harness.ts';
import { useCliWorkspace } from '../cli/workspace.ts';
import { useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import { ensureUiBuilt } from '../ui/support/ui-build.ts';
import { copyOf, dockerIgnore, environmentOf, parseDockerfile } from './dockerfile.ts';
import type { Stage } from './dockerfile.ts';
import { runCommand } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const ignored = dockerIgnore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
const runStage = stages.at(-1)!;

/** The stage named `name`. */
function stage(name: string): Stage {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}; it has ${stages.map((s) => s.name).join(', ')}`);
  return found;
}

/** Arguments of the stage's instructions with `keyword`. */
function texts(s: Stage, keyword: string): string[] {
  return s.instructions.filter((i) => i.keyword === keyword).map((i) => i.text);
}

/** Every COPY of the stage. */
function copies(s: Stage) {
  return s.instructions.filter((i) => i.keyword === 'COPY').map(copyOf);
}

describe('the Dockerfile', () => {
  it('sends every file it copies from the build context to the builder', () => {
    const sources = stages.flatMap((s) => copies(s).filter((c) => c.from === undefined).flatMap((c) => c.sources));
    expect(sources.filter((source) => source !== '.' && !existsSync(join(ROOT, source)))).toEqual([]);
    expect(sources.filter((source) => source !== '.' && ignored(source))).toEqual([]);
    // What the build needs and the context leaves out.
    expect(['cli/src/main.ts', 'ui/src', 'common/src', 'cli/build/bundle.mjs'].filter(ignored)).toEqual([]);
    expect(['node_modules', 'cli/dist', 'ui/dist', '.git'].filter((path) => !ignored(path))).toEqual([]);
  });

  it('installs from the lock file with every workspace manifest in place, in both install stages', () => {
    for (const name of ['build', 'runtime-deps']) {
      const copied = copies(stage(name)).flatMap((c) => c.sources);
      expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)]));
      expect(texts(stage(name), 'RUN').some((run) => run.startsWith('npm ci '))).toBe(true);
    }
    expect(texts(stage('build'), 'RUN')).toContain('node cli/build/bundle.mjs && npm run ui:build');
  });

  it('builds a run image of node, git and ssh with the bundle and the dashboard, as user 10001 and without npm', () => {
    expect(runStage.from).toBe(stage('build').from);
    const run = texts(runStage, 'RUN').join(' ');
    expect(run).toMatch(/apt-get install -y --no-install-recommends git openssh-client/);
    expect(run).toContain('rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx');
    expect(run).toMatch(/useradd --uid 10001 /);
    expect(texts(runStage, 'USER')).toEqual(['10001:10001']);
    expect(texts(runStage, 'ENTRYPOINT')).toEqual(['["node", "/app/cli/cascade.mjs"]']);
    // A fixed mmap threshold for glibc's allocator (why: in the Dockerfile); the scale bench runs the services with it too.
    expect(environmentOf(runStage)).toEqual({ NODE_ENV: 'production', MALLOC_MMAP_THRESHOLD_: '131072' });
    expect(copies(runStage)).toEqual([
      { from: 'runtime-deps', sources: ['/app/node_modules'], destination: '/app/node_modules' },
      { from: 'build', sources: ['/app/cli/dist'], destination: '/app/cli/dist' },
      { from: 'build', sources: ['/app/ui/dist'], destination: '/app/ui/dist' },
      { from: undefined, sources: ['deploy/image/cascade.mjs'], destination: '/app/cli/cascade.mjs' },
    ]);
    // The bundle finds the dashboard next to where it was built: the build stage and the run image share /app.
    for (const s of [stage('build'), stage('runtime-deps'), runStage]) expect(texts(s, 'WORKDIR')).toEqual(['/app']);
  });

  it("runs node with glibc's mmap threshold fixed, so large buffers freed between live ones are given back", async () => {
    // Unset, glibc raises the threshold when a large block is freed; 1 MiB buffers then come from its main heap and,
    // freed between live blocks, stay resident. Set, each is a mapping of its own, unmapped when freed.
    const heapAfterFree = async (env: NodeJS.ProcessEnv) => {
      const result = await runCommand(process.execPath, ['--expose-gc', '-e', FRAGMENTING_SCRIPT], { env });
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { heapKiB: number }).heapKiB;
    };
    const bare = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MALLOC_') && name !== 'GLIBC_TUNABLES'));
    expect(await heapAfterFree(bare)).toBeGreaterThan(48 * 1024);
    expect(await heapAfterFree({ ...bare, ...environmentOf(runStage) })).toBeLessThan(16 * 1024);
  });
});

describe('the image layout, without Docker', () => {
  const ns = useTestNamespace({ prefix: 'image', scope: 'all' });
  const workspace = useCliWorkspace('cascade-image-');
  // Outside the checkout, so no import can fall back to the repository's own node_modules.
  const app = join(mkdtempSync(join(tmpdir(), 'cascade-image-')), 'app');
  afterAll(() => rmSync(dirname(app), { recursive: true, force: true }));

  beforeAll(async () => {
    // The runtime-deps stage: its COPYs, then its RUN, as the Dockerfile says (from npm's cache when it has them).
    for (const copy of copies(stage('runtime-deps'))) {
      for (const source of copy.sources) {
        // Destinations are relative to WORKDIR /app; one ending in / receives the file under its own name.
        const target = copy.destination.endsWith('/') ? join(app, copy.destination, basename(source)) : join(app, copy.destination);
        mkdirSync(dirname(target), { recursive: true });
        copyFileSync(join(ROOT, source), target);
      }
    }
    // Without the npm_* variables `npm test` sets for its scripts, which would steer this install as flags do.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
    for (const run of texts(stage('runtime-deps'), 'RUN')) {
      const result = await runCommand('sh', ['-c', run.replace('npm ci ', 'npm ci --prefer-offline ')], { cwd: app, env });
      expect(result.code, result.stderr).toBe(0);
    }
    // The build stage's bundle, and the entry point the run stage copies.
    await bundleCli(join(app, 'cli', 'dist'));
    copyFileSync(join(ROOT, 'deploy', 'image', 'cascade.mjs'), join(app, 'cli', 'cascade.mjs'));
    await ensureUiBuilt();
  });

  it('holds every package the bundle imports, and nothing of the build tools', async () => {
    const dist = join(app, 'cli', 'dist');
    const imported = new Set<string>();
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
      // Static and dynamic imports naming a package (not relative ones, not text in strings that looks alike).
      for (const match of readFileSync(join(dist, file), 'utf8').matchAll(/(?:^import [^;\n]* from |^import |\bimport\()"((?:@[\w.-]+\/)?\w[\w.-]*(?:\/[\w./-]+)?)"/gm)) {
        if (!match[1]!.startsWith('node:')) imported.add(match[1]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    // Loaded for real, from where the bundle sits: a package missing from the image fails here, not in a pod.
    const check = join(dist, 'imports-check.mjs');
    writeFileSync(check, [...imported].map((spec) => `await import(${JSON.stringify(spec)});`).join('\n') + '\n');
    const result = await runCommand(process.execPath, [check]);
    expect(result.code, result.stderr).toBe(0);
    const installed = readdirSync(join(app, 'node_modules'));
    expect(installed.filter((name) => ['@cascade', 'vite', 'vitest', 'typescript', 'svelte', 'eslint', 'playwright-core'].includes(name))).toEqual([]);
  });

  it('runs the entry point: `cascade --help` lists the three services', async () => {
    const result = await runCommand(process.execPath, [join(app, 'cli', 'cascade.mjs'), '--help']);
    expect(result.code, result.stderr).toBe(0);
    for (const service of ['deployer', 'transitioner', 'aggregator']) expect(result.stdout).toMatch(new RegExp(`^\\s+${service}\\s`, 'm'));
  });

  it('runs the three services from the image layout, and the aggregator serves the dashboard', async () => {
    const env = ns.namespace;
    const [aggregator, deployer, transitioner] = [await freePort(), await freePort(), await freePort()];
    const { dir } = await workspace(
      { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n' },
      (fixture) => `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1s }
targets:
  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }
deployer: { listen: 127.0.0.1:${deployer} }
transitioner: { listen: 127.0.0.1:${transitioner} }
aggregator: { listen: 127.0.0.1:${aggregator}, anonymousRead: true }
log: { level: error }
`,
    );
    const child = spawn(process.execPath, [join(app, 'cli', 'cascade.mjs'), 'up', '--config', 'cascade.yaml'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...environmentOf(runStage) } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (const port of [deployer, transitioner, aggregator]) {
        await waitUntil(`service on ${port} ready (stderr: ${stderr})`, async () => ((await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 0)) === 200 ? true : undefined), { timeoutMs: 60_000 });
      }
      const page = await fetch(`http://127.0.0.1:${aggregator}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<!doctype html>/i);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('finds the dashboard where it was built, as the run image keeps it at /app/ui/dist', () => {
    // The bundle keeps the aggregator's source location (cli/build/bundle.mjs) and resolves ../../ui/dist from it.
    const source = pathToFileURL(join(ROOT, 'aggregator', 'src', 'service.ts')).href;
    const bundled = readdirSync(join(app, 'cli', 'dist')).some((f) => readFileSync(join(app, 'cli', 'dist', f), 'utf8').includes(JSON.stringify(source)));
    expect(bundled).toBe(true);
    expect(fileURLToPath(new URL('../../ui/dist', source))).toBe(join(ROOT, 'ui', 'dist'));
  });
});

/**
 * Frees a 16 MiB buffer, then allocates 64 buffers of 1 MiB, each followed by a small one kept alive, frees the large
 * ones and prints how much of glibc's main heap (`[heap]` in /proc/self/smaps) is still resident, in KiB.
 */
const FRAGMENTING_SCRIPT = `
const { readFileSync } = require('node:fs');
const heapKiB = () => {
  const lines = readFileSync('/proc/self/smaps', 'utf8').split('\\n');
  const at = lines.findIndex((line) => line.endsWith('[heap]'));
  return at < 0 ? 0 : Number(lines.slice(at + 1).find((line) => line.startsWith('Rss:')).split(/\\s+/)[1]);
};
// Buffers' memory is freed after the collection that finds them unreachable, partly off the main thread.
const collect = async () => { for (let i = 0; i < 10; i++) { gc(); await new Promise((resolve) => setTimeout(resolve, 20)); } };
(async () => {
  let large = Buffer.allocUnsafeSlow(16 << 20).fill(1);
  large = undefined;
  await collect();
  const kept = [];
  let freed = [];
  for (let i = 0; i < 64; i++) {
    freed.push(Buffer.allocUnsafeSlow(1 << 20).fill(1));
    kept.push(Buffer.allocUnsafeSlow(4096).fill(1));
  }
  freed = undefined;
  await collect();
  console.log(JSON.stringify({ heapKiB: heapKiB(), kept: kept.length }));
})();
`;
