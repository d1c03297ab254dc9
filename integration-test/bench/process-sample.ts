// CPU time and memory of a process and its descendants, read from /proc (Linux only), and the machine's load.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { SPAWN_SERVER_MARKER } from '@cascade/common/git';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every architecture Node runs on.
const TICKS_PER_SECOND = 100;

/** One process's parent pid and CPU seconds (its own and its waited-for children's), or undefined once it is gone. */
function readStat(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  return { ppid: at(4), cpuSeconds: (at(14) + at(15) + at(16) + at(17)) / TICKS_PER_SECOND };
}

/** The pids of `root` and everything it started that still runs. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * CPU seconds (user + system, children included) used so far by `root` and its live descendants. A descendant
 * that exits between two readings takes its time with it unless its parent waited for it (then it is in the
 * parent's children time), which is how git processes the services run are accounted.
 */
export function treeCpuSeconds(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (readStat(pid)?.cpuSeconds ?? 0), 0);
}

/** Resident memory now and at its peak, in MiB, from /proc/<pid>/status; `helper` that of its git spawn server. */
export interface Memory {
  rssMiB: number;
  hwmMiB: number;
  helper?: { rssMiB: number; pssMiB: number };
}

/** VmRSS and VmHWM of one process. */
export function memoryOf(pid: number): Memory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
}

/** The pid of the process whose parent is `parent` and whose command line contains `needle`. */
export function childPid(parent: number, needle: string): number {
  for (const pid of processTree(parent)) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (pid !== parent && cmdline.includes(needle)) return pid;
  }
  throw new Error(`no process below ${parent} runs with ${needle}`);
}

/** The 1, 5 and 15 minute load averages, for the report. */
export function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

/**
 * The memory of `pid`'s git spawn server (see common/src/git/spawn-server.ts), if one runs below it: resident, and
 * proportional (most of its resident pages are Node's own code, shared with the service).
 */
export function spawnServerMemory(pid: number): { rssMiB: number; pssMiB: number } | undefined {
  try {
    const helper = childPid(pid, SPAWN_SERVER_MARKER);
    const pss = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${helper}/smaps_rollup`, 'utf8'))?.[1] ?? NaN) / 1024;
    return { rssMiB: memoryOf(helper).rssMiB, pssMiB: pss };
  } catch {
    return undefined;
  }
}

/** A process's memory with its git spawn server's, when one runs below it. */
export function memoryWithHelper(pid: number): Memory {
  const helper = spawnServerMemory(pid);
  return { ...memoryOf(pid), ...(helper === undefined ? {} : { helper }) };
}
