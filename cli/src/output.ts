// One way to print results: readable text on a terminal, JSON for scripts.
import { CliError } from './errors.ts';

/** Output formats every command accepts with `-o`. */
export type OutputFormat = 'text' | 'json';

/** Parses the `-o` option, naming the argument when it is wrong. */
export function outputFormat(value: unknown): OutputFormat {
  if (value === undefined || value === 'text' || value === 'table') return 'text';
  if (value === 'json') return 'json';
  throw new CliError(`-o ${String(value)}: unknown output format`, 'Use -o text or -o json.', 'bad-argument', 2);
}

/** Where commands write; injectable so tests read what a user would see. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Writes to the real stdout and stderr. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Prints a value as pretty JSON. */
export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
