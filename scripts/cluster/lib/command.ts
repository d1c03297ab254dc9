// Shared shell of the cluster:* and tools:* commands: progress on stderr, results on stdout, a failure's code and message on exit.
import { ClusterError } from './errors.ts';
import type { Log } from './go-build.ts';

/** Runs `body` with a stderr logger; prints `error [CODE]: message` and exits 1 on failure. */
export async function runCommand(body: (log: Log) => Promise<void>, prefix = 'cluster'): Promise<void> {
  const log: Log = (line) => console.error(`[${prefix}] ${line}`);
  try {
    await body(log);
  } catch (error) {
    if (error instanceof ClusterError) console.error(`[${prefix}] error [${error.code}]: ${error.message}`);
    else console.error(error);
    process.exitCode = 1;
  }
}
