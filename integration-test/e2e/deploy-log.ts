// Who deployed which environment when, read from the deployers' debug logs ("environment deploy started/ended").
import { readFile } from 'node:fs/promises';
import type { ServiceProcess } from './harness.ts';

/** One environment deployed by one process (its index) at one commit, from `from` to `to` (ms since the epoch). */
export interface DeployInterval {
  process: number;
  env: string;
  commit: string;
  from: number;
  to: number;
}

/** Every deploy of every process; one a process did not end (it was killed) ends at its kill time, or now. */
export async function deployIntervals(processes: readonly ServiceProcess[], killedAt: ReadonlyMap<ServiceProcess, number>): Promise<DeployInterval[]> {
  const intervals: DeployInterval[] = [];
  for (const [index, process] of processes.entries()) {
    const open = new Map<string, { from: number; commit: string }>();
    const closeAll = (at: number) => {
      for (const [env, { from, commit }] of open) intervals.push({ process: index, env, commit, from, to: at });
      open.clear();
    };
    for (const line of (await readFile(process.logFile, 'utf8')).split('\n')) {
      // A restart of the process: what it had open ended with the previous run.
      if (line.startsWith('--- exit')) closeAll(Date.parse(line.split(' ').at(-1) ?? '') || Date.now());
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; env?: string; commit?: string; time?: string };
      if (entry.env === undefined || entry.time === undefined) continue;
      const at = Date.parse(entry.time);
      if (entry.msg === 'environment deploy started') open.set(entry.env, { from: at, commit: entry.commit ?? '' });
      const started = open.get(entry.env);
      if (entry.msg === 'environment deploy ended' && started !== undefined) {
        intervals.push({ process: index, env: entry.env, commit: started.commit, from: started.from, to: at });
        open.delete(entry.env);
      }
    }
    closeAll(killedAt.get(process) ?? Date.now());
  }
  return intervals;
}

/** The pairs of intervals in which two different processes deployed the same environment at once. */
export function overlapping(intervals: readonly DeployInterval[]): string[] {
  const found: string[] = [];
  for (const a of intervals) {
    for (const b of intervals) {
      if (a.process < b.process && a.env === b.env && a.from < b.to && b.from < a.to) found.push(`${a.env}: process ${a.process} and ${b.process} at ${new Date(Math.max(a.from, b.from)).toISOString()}`);
    }
  }
  return found;
}
