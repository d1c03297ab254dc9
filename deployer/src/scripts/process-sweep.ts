// Ends what a control script left running, also processes that left its process group with `setsid`: each call marks
// its processes with an environment variable children inherit, and the sweep kills every process of ours carrying it.
// Linux only (/proc); elsewhere only the process group is killed.
import { readdir, readFile } from 'node:fs/promises';

/** The environment variable holding the id of one call, inherited by everything the script starts. */
export const RUN_MARKER = 'CASCADE_SCRIPT_RUN';

// A process killed mid-sweep may have forked just before; a few rounds catch such late children.
const SWEEP_ROUNDS = 3;

/** Kills the process group `pid` leads and every process whose environment holds `RUN_MARKER=marker`. */
export async function killCallProcesses(pid: number | undefined, marker: string): Promise<void> {
  killGroup(pid);
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    const found = await markedProcesses(marker);
    if (found.length === 0) return;
    for (const other of found) signal(other);
  }
}

/** Kills the process group led by `pid`, at once; nothing happens when it is gone already. */
function killGroup(pid: number | undefined): void {
  if (pid !== undefined) signal(-pid);
}

/** Pids of the processes whose initial environment holds `RUN_MARKER=marker`; other users' processes cannot be read and are skipped. */
async function markedProcesses(marker: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${RUN_MARKER}=${marker}\0`);
  const pids = entries.filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid).map(Number);
  const marked = await Promise.all(pids.map(async (pid) => {
    // Gone meanwhile, or not ours: not marked.
    const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined);
    // environ is NUL-separated; framing it with NULs makes the first and last entries match like the others.
    return environ !== undefined && Buffer.concat([Buffer.of(0), environ, Buffer.of(0)]).includes(needle);
  }));
  return pids.filter((_, index) => marked[index]);
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
