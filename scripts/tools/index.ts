// Programmatic entry to the test tools (sops, age, helm): each built from its Go module into a cache when first asked for, then found by path.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureComponentsBuilt } from '../cluster/lib/go-build.ts';
import type { Log } from '../cluster/lib/go-build.ts';
import { binaryPath } from '../cluster/lib/components.ts';
import type { ComponentSpec } from '../cluster/lib/components.ts';
import { ClusterError as ToolBuildError } from '../cluster/lib/errors.ts';
import { cascadeCacheDir } from '../cluster/lib/paths.ts';
import { TOOLS } from './lib/components.ts';

export { AGE_VERSION, HELM_VERSION, SOPS_VERSION } from './lib/components.ts';
export { ToolBuildError };

/** Name of one binary the tools build produces. */
export type ToolName = 'sops' | 'age' | 'age-keygen' | 'helm';

/** Directory holding the Go modules (scripts/tools/go) that pin the tools. */
const TOOLS_MODULES_DIR = fileURLToPath(new URL('./go/', import.meta.url));

/** Binary cache of the tools, one subdirectory per version; override with CASCADE_TOOLS_BIN_DIR. */
export function toolsBinCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CASCADE_TOOLS_BIN_DIR || join(cascadeCacheDir(env), 'tools-bin');
}

/**
 * Builds the given tools (default: all) that the cache lacks: minutes each on a fresh machine (sops and helm the
 * longest), nothing when cached. Only the components asked for are built, so a test needing sops never waits for helm.
 */
export async function buildTools(log: Log, components: readonly ComponentSpec[] = TOOLS): Promise<void> {
  const binDir = toolsBinCacheDir();
  if (components.every((tool) => tool.binaries.every((b) => existsSync(binaryPath(binDir, tool, b.name))))) return;
  const set = { modulesDir: TOOLS_MODULES_DIR, components, firstBuildEstimate: 'about 2-25 min per tool on 2 cores, sops and helm the longest' };
  // Another process may have built them while this one waited for the lock; ensureComponentsBuilt skips what is cached.
  await withBuildLock(binDir, log, () => ensureComponentsBuilt(binDir, log, set));
}

/**
 * Runs `build` holding a lock directory in the cache, so test files started in parallel build once, not once each.
 * A lock whose owner process is gone is taken over.
 */
async function withBuildLock(binDir: string, log: Log, build: () => Promise<void>): Promise<void> {
  const lock = join(binDir, '.build-lock');
  mkdirSync(binDir, { recursive: true });
  let waiting = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(lock)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waiting) log('another process is building the tools; waiting for it');
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  try {
    await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** True while the process that took the lock still runs (or has not yet written its pid). */
function ownerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The component (Go module) whose build produces the binary `name`. */
function componentOf(name: ToolName): ComponentSpec {
  return TOOLS.find((c) => c.binaries.some((b) => b.name === name))!;
}

/** Absolute path of one cached tool, or undefined when it has not been built. */
export function cachedToolPath(name: ToolName): string | undefined {
  const path = binaryPath(toolsBinCacheDir(), componentOf(name), name);
  return existsSync(path) ? path : undefined;
}

/** Path of a tool, building it (and only it) first when the cache lacks it. */
export async function toolPath(name: ToolName, log: Log): Promise<string> {
  const cached = cachedToolPath(name);
  if (cached) return cached;
  await buildTools(log, [componentOf(name)]);
  return cachedToolPath(name)!;
}

/** The tools to build for `names` (component names such as `sops`, or binary names such as `age-keygen`); all when empty. */
export function toolsNamed(names: readonly string[]): ComponentSpec[] {
  if (names.length === 0) return TOOLS;
  return names.map((name) => {
    const tool = TOOLS.find((c) => c.name === name || c.binaries.some((b) => b.name === name));
    if (!tool) throw new ToolBuildError('BUILD_FAILED', `unknown tool ${name}; the tools are ${TOOLS.map((c) => c.name).join(', ')}`);
    return tool;
  });
}
