// Where the local cluster keeps its built binaries and its runtime files; both live outside the repository.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Directory holding the Go modules (scripts/cluster/go) that pin the upstream components. */
export const GO_MODULES_DIR = fileURLToPath(new URL('../go/', import.meta.url));

/** Base cache directory: $XDG_CACHE_HOME/cascade or ~/.cache/cascade. */
export function cascadeCacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cascade');
}

/** Binary cache, one subdirectory per component version; override with CASCADE_CLUSTER_BIN_DIR. */
export function binCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CASCADE_CLUSTER_BIN_DIR || join(cascadeCacheDir(env), 'cluster-bin');
}

/** Runtime directory of the running cluster (state file, kubeconfig, logs, etcd data); override with CASCADE_CLUSTER_DIR. */
export function clusterRunDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CASCADE_CLUSTER_DIR || join(cascadeCacheDir(env), 'cluster-run');
}
