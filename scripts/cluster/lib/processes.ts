// Starts component processes in their own process groups and stops them again, checking a PID still is ours first.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A started component, as recorded in the state file. */
export interface ProcessRecord {
  name: string;
  pid: number;
  /** Absolute path of the executable, used to recognise the process before signalling it. */
  binary: string;
  logFile: string;
}

/** Spawns `binary` with argv `args` (never a shell) in a new process group, output appended to `logFile`. */
export function startProcess(name: string, binary: string, args: string[], logFile: string): ProcessRecord {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new Error(`${name}: could not start ${binary}`);
    // The cluster outlives `cluster:up`; detaching and unref-ing lets this process exit while it runs.
    child.unref();
    return { name, pid: child.pid, binary, logFile };
  } finally {
    closeSync(log);
  }
}

/** True when `record.pid` is alive and still runs `record.binary` (guards against a recycled PID). */
export function isOurProcessAlive(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0];
    return argv0 === record.binary;
  } catch {
    // No /proc (not Linux): the signal probe above is the best available answer.
    return true;
  }
}

/**
 * Stops the processes in reverse start order (kwok and controllers first, etcd last, so the API server can still
 * reach its storage while it shuts down): SIGTERM to each process group, SIGKILL after `graceMs`.
 * Returns the names that had to be killed hard.
 */
export async function stopProcesses(records: ProcessRecord[], graceMs = 10_000): Promise<string[]> {
  const killed: string[] = [];
  for (const record of [...records].reverse()) {
    if (!isOurProcessAlive(record)) continue;
    signalGroup(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && isOurProcessAlive(record)) await sleep(50);
    if (!isOurProcessAlive(record)) continue;
    signalGroup(record.pid, 'SIGKILL');
    killed.push(record.name);
    while (isOurProcessAlive(record)) await sleep(50);
  }
  return killed;
}

/** Signals the whole process group led by `pid` (each component was started as a group leader). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone between the liveness check and the signal.
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
