// Runs the CLI in-process for tests and captures what a user would see.
import { main } from '../main.ts';
import type { Io } from '../output.ts';

/** What one in-process CLI run printed and returned. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `cascade ARGS…` in-process and captures what a user would see. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const exitCode = await main(args, io);
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}
