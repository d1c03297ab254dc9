// Programmatic entry to the test tools (sops, age): built once from Go modules into a cache, then found by path.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureComponentsBuilt } from '../cluster/lib/go-build.ts';
import type { Log } from '../cluster/lib/go-build.ts';
import { binaryPath } from '../cluster/lib/components.ts';
import { cascadeCacheDir } from '../cluster/lib/paths.ts';
import { TOOLS } from './lib/components.ts';

export { AGE_VERSION, SOPS_VERSION } from './lib/components.ts';
export { ClusterError as ToolBuildError } from '../cluster/lib/errors.ts';

/** Name of one binary the tools build produces. */
export type ToolName = 'sops' | 'age' | 'age-keygen';

/** Directory holding the Go modules (scripts/tools/go) that pin the tools. */
const TOOLS_MODULES_DIR = fileURLToPath(new URL('./go/', import.meta.url));

/** Binary cache of the tools, one subdirectory per version; override with CASCADE_TOOLS_BIN_DIR. */
export function toolsBinCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CASCADE_TOOLS_BIN_DIR || join(cascadeCacheDir(env), 'tools-bin');
}

/** Builds any tool missing from the cache (minutes for sops on a fresh machine; nothing when cached). */
export async function buildTools(log: Log): Promise<void> {
  const binDir = toolsBinCacheDir();
  const build = () => ensureComponentsBuilt(binDir, log, { modulesDir: TOOLS_MODULES_DIR, components: TOOLS, firstBuildEstimate: 'about 5-25 min on 2 cores, mostly sops' });
  if (TOOLS.every((tool) => tool.binaries.every((b) => existsSync(binaryPath(binDir, tool, b.name))))) return;
  await withBuildLock(binDir, log, build);
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

/** Absolute path of one cached tool, or undefined when it has not been built. */
export function cachedToolPath(name: ToolName): string | undefined {
  const component = TOOLS.find((c) => c.binaries.some((b) => b.name === name))!;
  const path = binaryPath(toolsBinCacheDir(), component, name);
  return existsSync(path) ? path : undefined;
}

/** Path of a tool, building the tools first when the cache lacks it. */
export async function toolPath(name: ToolName, log: Log): Promise<string> {
  const cached = cachedToolPath(name);
  if (cached) return cached;
  await buildTools(log);
  return cachedToolPath(name)!;
}
