// The state file of a running local cluster (PIDs, ports, kubeconfig) and the lock that serialises up/down.
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterError } from './errors.ts';
import type { ProcessRecord } from './processes.ts';

/** Everything `cluster:down` and a reusing `cluster:up` need to know about a started cluster. */
export interface ClusterState {
  kubeconfig: string;
  apiServerUrl: string;
  ports: Record<string, number>;
  processes: ProcessRecord[];
  versions: Record<string, string>;
  startedAt: string;
}

/** Path of the state file inside the run directory. */
function stateFilePath(runDir: string): string {
  return join(runDir, 'state.json');
}

/** Reads the state file, or `undefined` when there is none or it is unreadable (treated as no cluster). */
export function readState(runDir: string): ClusterState | undefined {
  const path = stateFilePath(runDir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Writes the state file atomically, so a crash never leaves half a file. */
export function writeState(runDir: string, state: ClusterState): void {
  const path = stateFilePath(runDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** Removes the state file. */
export function removeState(runDir: string): void {
  rmSync(stateFilePath(runDir), { force: true });
}

/** Runs `action` holding `<runDir>/lock`; a lock left by a dead process is taken over. */
export async function withRunDirLock<T>(runDir: string, action: () => Promise<T>): Promise<T> {
  mkdirSync(runDir, { recursive: true });
  const lockPath = join(runDir, 'lock');
  acquire(lockPath);
  try {
    return await action();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** Creates the lock file exclusively, replacing it once if its owner is no longer alive. */
function acquire(lockPath: string, retried = false): void {
  try {
    closeSync(openSync(lockPath, 'wx'));
    writeFileSync(lockPath, String(process.pid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(lockPath, 'utf8'));
    const alive = Number.isInteger(owner) && owner > 0 && pidExists(owner);
    if (alive || retried) {
      throw new ClusterError('LOCKED', `${lockPath} is held by process ${owner}; another cluster:up/down is running`);
    }
    rmSync(lockPath, { force: true });
    acquire(lockPath, true);
  }
}

/** True when a process with `pid` exists (signal-0 probe). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
