// The `cascade` command: one entry point, one place that turns errors into messages and exit codes.
import { cac } from 'cac';
import { CrashOutput } from './crash-output.ts';
import { CliError } from './errors.ts';
import { processIo, type Io } from './output.ts';
import { registerCommands } from './command-line.ts';

/** What a command reports back: the process exit code. */
export interface CommandResult {
  exitCode: number;
}

/** Version printed by `cascade --version`. */
export const CASCADE_VERSION = '0.1.0';

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function main(args: string[], io: Io = processIo, crash: CrashOutput = new CrashOutput()): Promise<number> {
  const cli = cac('cascade');
  let pending: Promise<CommandResult> | undefined;
  const done = (result: Promise<CommandResult>) => {
    pending = result;
  };
  registerCommands(cli, io, done, crash);
  cli.help();
  cli.version(CASCADE_VERSION);
  try {
    cli.parse(['node', 'cascade', ...joinDashValues(args)], { run: false });
    if (cli.options['help'] || cli.options['version']) return 0;
    if (!cli.matchedCommand) {
      if (args.length > 0) throw new CliError(`unknown command "${args[0]}"`, 'Run cascade --help to list the commands.', 'unknown-command', 2);
      cli.outputHelp();
      return 0;
    }
    await cli.runMatchedCommand();
    return pending ? (await pending).exitCode : 0;
  } catch (error) {
    // A failed command's message can quote what a keyring decrypted, as a crash can.
    return reportError(error, crash.scrubbedIo(io));
  }
}

/**
 * `cascade` as its own process (bin/cascade.js): an error nobody caught is reported scrubbed of the values the
 * command's keyrings decrypted, then the process exits 1.
 */
export async function mainProcess(args: string[]): Promise<number> {
  const crash = new CrashOutput();
  crash.install(process, processIo);
  return main(args, processIo, crash);
}

/** `--changelog -` means stdin; the option parser would read a lone `-` as a missing value, so join it as `--changelog=-`. */
function joinDashValues(args: string[]): string[] {
  const joined: string[] = [];
  for (const arg of args) {
    const previous = joined[joined.length - 1];
    if (arg === '-' && previous?.startsWith('--') && !previous.includes('=')) joined[joined.length - 1] = `${previous}=-`;
    else joined.push(arg);
  }
  return joined;
}

/** Prints an error the way a user can act on, and picks the exit code. */
function reportError(error: unknown, io: Io): number {
  if (error instanceof CliError) {
    io.err(`error: ${error.message}`);
    if (error.hint) io.err(`hint: ${error.hint}`);
    return error.exitCode;
  }
  // cac reports usage mistakes (unknown options, missing arguments) with a plain Error named CACError.
  if (error instanceof Error && error.name === 'CACError') {
    io.err(`error: ${error.message}\nhint: run cascade --help for usage`);
    return 2;
  }
  io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  return 1;
}
