// Builds upstream components from Go modules (scripts/cluster/go, scripts/tools/go) into a per-version binary cache.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { COMPONENTS, KWOK_STAGE_FILES, KWOK_STAGES_FILE, binaryPath } from './components.ts';
import type { ComponentSpec } from './components.ts';
import { ClusterError } from './errors.ts';
import { GO_MODULES_DIR } from './paths.ts';

/** Receives one progress line at a time. */
export type Log = (line: string) => void;

const PROGRESS_INTERVAL_MS = 20_000;

const GO_INSTALL_HINT =
  'Install Go 1.26 or newer from https://go.dev/dl/ (or your package manager) and put `go` on PATH; ' +
  'the first build also needs the Go module proxy (GOPROXY, default https://proxy.golang.org) to be reachable.';

/** True when every binary of `component` (and kwok's stage file) is already in the cache. */
function isComponentCached(binDir: string, component: ComponentSpec): boolean {
  const files = component.binaries.map((b) => binaryPath(binDir, component, b.name));
  if (component.name === 'kwok') files.push(binaryPath(binDir, component, KWOK_STAGES_FILE));
  return files.every((file) => existsSync(file));
}

/** Components built from the Go modules under one directory: the control plane's, or the test tools'. */
export interface ComponentSet {
  /** Directory holding one Go module directory (`ComponentSpec.moduleDir`) per component. */
  modulesDir: string;
  components: readonly ComponentSpec[];
  /** How long a first build takes, shown before it starts so nobody thinks it hangs. */
  firstBuildEstimate: string;
}

/** The control plane: kube-apiserver and friends, etcd, kwok. */
const CLUSTER_COMPONENTS: ComponentSet = { modulesDir: GO_MODULES_DIR, components: COMPONENTS, firstBuildEstimate: 'about 7-25 min on 2 cores' };

/** Builds every component of `set` missing from the cache; a no-op (and no Go needed) when all are cached. */
export async function ensureComponentsBuilt(binDir: string, log: Log, set: ComponentSet = CLUSTER_COMPONENTS): Promise<void> {
  const missing = set.components.filter((c) => !isComponentCached(binDir, c));
  if (missing.length === 0) return;
  checkGoToolchain();
  log(`building ${missing.map((c) => c.name).join(', ')} into ${binDir} (first run only; ${set.firstBuildEstimate})`);
  for (const component of missing) await buildComponent(binDir, set.modulesDir, component, log);
}

/** Throws GO_MISSING with install instructions instead of letting a build fail obscurely. */
function checkGoToolchain(): void {
  const version = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new ClusterError('GO_MISSING', `the Go toolchain (\`go\`) was not found on PATH. ${GO_INSTALL_HINT}`);
  }
}

/** Environment for `go`: static binaries and a go.sum that must already hold every module (no silent upgrades). */
function goEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' };
}

/** Builds one component into a temporary directory and renames it into place, so a cache entry is never half-written. */
async function buildComponent(binDir: string, modulesDir: string, component: ComponentSpec, log: Log): Promise<void> {
  const moduleDir = join(modulesDir, component.moduleDir);
  const finalDir = join(binDir, component.cacheKey);
  const tempDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tempDir, { recursive: true, force: true });
  mkdirSync(tempDir, { recursive: true });
  const packages = component.binaries.map((b) => b.goPackage);

  log(`${component.name}: resolving modules (downloads them on a fresh machine)`);
  const total = countDependencies(moduleDir, packages, component.name);
  // With one package `-o` names the file; with several it names the directory that receives one file per package.
  const output = packages.length === 1 ? join(tempDir, component.binaries[0]!.name) : `${tempDir}/`;
  const args = ['build', '-trimpath', '-v', '-ldflags', component.ldflags, '-o', output, ...packages];
  const started = Date.now();
  await runGoBuild(moduleDir, args, component.name, total, started, log);
  if (component.name === 'kwok') writeKwokStages(moduleDir, join(tempDir, KWOK_STAGES_FILE));

  rmSync(finalDir, { recursive: true, force: true });
  renameSync(tempDir, finalDir);
  log(`${component.name}: built in ${formatDuration(Date.now() - started)} -> ${finalDir}`);
}

/** Number of packages (standard library included) the build may compile, for "N of M" progress. */
function countDependencies(moduleDir: string, packages: string[], name: string): number {
  const list = spawnSync('go', ['list', '-deps', ...packages], { cwd: moduleDir, env: goEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (list.status !== 0) {
    // Usually the modules are neither in the module cache nor downloadable.
    const proxy = spawnSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).stdout.trim();
    throw new ClusterError(
      'GO_MODULES_UNAVAILABLE',
      `${name}: \`go list\` failed in ${moduleDir}; the Go module proxy (GOPROXY=${proxy}) must be reachable ` +
        `for the first build. ${GO_INSTALL_HINT}\n${list.stderr.slice(-2000)}`,
    );
  }
  return list.stdout.split('\n').filter(Boolean).length;
}

/** Runs `go build -v`, counting the package lines it prints (only packages not yet in GOCACHE) as progress. */
function runGoBuild(moduleDir: string, args: string[], name: string, total: number, started: number, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd: moduleDir, env: goEnv(), stdio: ['ignore', 'inherit', 'pipe'] });
    let compiled = 0;
    const tail: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      // `-v` prints bare import paths; anything else (errors, warnings) is kept for the failure message.
      if (/^[\w.\-/]+$/.test(line)) compiled++;
      else tail.push(line);
      if (tail.length > 40) tail.shift();
    });
    const timer = setInterval(() => {
      log(`${name}: ${compiled} of at most ${total} packages compiled, ${formatDuration(Date.now() - started)} elapsed`);
    }, PROGRESS_INTERVAL_MS);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(new ClusterError('GO_MISSING', `${name}: could not run go: ${error.message}. ${GO_INSTALL_HINT}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new ClusterError('BUILD_FAILED', `${name}: go build exited with ${code} in ${moduleDir}:\n${tail.join('\n')}`));
    });
  });
}

/** Concatenates kwok's default node and pod stages (the set `kwokctl` installs) into one config file. */
function writeKwokStages(moduleDir: string, target: string): void {
  const dir = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', 'sigs.k8s.io/kwok'], { cwd: moduleDir, env: goEnv(), encoding: 'utf8' });
  if (dir.status !== 0) throw new ClusterError('BUILD_FAILED', `kwok: cannot locate the sigs.k8s.io/kwok module: ${dir.stderr}`);
  const kwokDir = dir.stdout.trim();
  const documents = KWOK_STAGE_FILES.map((file) => readFileSync(join(kwokDir, file), 'utf8').trim());
  writeFileSync(target, documents.join('\n---\n') + '\n');
}

/** "4m05s" style duration for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}
