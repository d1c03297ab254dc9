// Leases on a running local cluster: every process using it holds one, so a test run that started the
// cluster does not stop it while another run (or the playground) still uses it.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Directory of lease files, one per process (named by its pid). */
function leaseDir(runDir: string): string {
  return join(runDir, 'leases');
}

/** Records that this process uses the cluster. */
export function acquireLease(runDir: string, pid = process.pid): void {
  mkdirSync(leaseDir(runDir), { recursive: true });
  writeFileSync(join(leaseDir(runDir), String(pid)), `${new Date().toISOString()}\n`);
}

/** Drops this process's lease and returns how many other live processes still hold one (stale leases are removed). */
export function releaseLease(runDir: string, pid = process.pid, isAlive: (pid: number) => boolean = processAlive): number {
  const dir = leaseDir(runDir);
  if (!existsSync(dir)) return 0;
  rmSync(join(dir, String(pid)), { force: true });
  let others = 0;
  for (const name of readdirSync(dir)) {
    const holder = Number(name);
    if (Number.isInteger(holder) && isAlive(holder)) others++;
    else rmSync(join(dir, name), { force: true });
  }
  return others;
}

/** Pids of the live processes holding a lease, without changing anything. */
export function leaseHolders(runDir: string, isAlive: (pid: number) => boolean = processAlive): number[] {
  const dir = leaseDir(runDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map(Number).filter((pid) => Number.isInteger(pid) && isAlive(pid));
}

/** True when a process with this pid exists (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
