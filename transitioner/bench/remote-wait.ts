// What the transitioner benchmarks wait on: a condition polled every millisecond, and the remote's branch head.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Polls `check` until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Reads the branch head straight from a bare repository (a loose ref after every push). */
export const readRemoteHead = (remote: string, branch: string): Promise<string> => readFile(join(remote, 'refs', 'heads', branch), 'utf8').then((s) => s.trim());
