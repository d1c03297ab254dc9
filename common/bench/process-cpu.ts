// What a benchmark's own process spends: CPU of the process and of its children that ended (the git commands).
import { readFileSync } from 'node:fs';

/** CPU seconds of this process and of its children that ended, from /proc (Linux). */
export function cpuSeconds(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  // utime, stime, cutime and cstime, in clock ticks of 1/100 s, after the command name in parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0) / 100;
}

/** Wall time and CPU of one measured piece of work, in milliseconds. */
export interface Measured {
  wallMs: number;
  cpuMs: number;
}

/** Runs `work` and returns its wall time and the CPU this process and its children spent meanwhile. */
export async function measured(work: () => Promise<unknown>): Promise<Measured> {
  const cpu = cpuSeconds();
  const started = performance.now();
  await work();
  return { wallMs: performance.now() - started, cpuMs: (cpuSeconds() - cpu) * 1000 };
}
