// What a `cascade` process prints about an error nobody caught: Node's own report of it (stack, cause, fields), with
// every value a keyring of the process decrypted cut out, since a stack or a message can quote one.
import { inspect } from 'node:util';
import type { Io } from './output.ts';

/** Cuts secret values out of what it is given: the deployer's keyring, or the one `cascade render` opened. */
export interface Scrubber {
  scrub<T>(value: T): T;
}

/** The part of `process` the crash handlers use. */
export interface CrashProcess {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (thrown: unknown) => void): unknown;
  exit(code: number): void;
}

// Deep enough for a SecretsError's data or a cause chain; the report is for a person reading a crash.
const REPORT_DEPTH = 6;

/** The scrubbing of every error report a `cascade` process prints, fed with the keyrings its commands open. */
export class CrashOutput {
  private readonly scrubbers: Scrubber[] = [];

  /** Cuts what `scrubber` knows out of every later report; a keyring that decrypts more later is asked each time. */
  scrubWith(scrubber: Scrubber): void {
    this.scrubbers.push(scrubber);
  }

  /** `text` with every registered scrubber applied. */
  scrub(text: string): string {
    return this.scrubbers.reduce((scrubbed, scrubber) => scrubber.scrub(scrubbed), text);
  }

  /** `io` with every line scrubbed, for the error report of a command that failed. */
  scrubbedIo(io: Io): Io {
    return { out: (text) => io.out(this.scrub(text)), err: (text) => io.err(this.scrub(text)) };
  }

  /** Node's report of a thrown value (stack, cause, own fields), scrubbed. */
  describe(thrown: unknown): string {
    return this.scrub(inspect(thrown, { depth: REPORT_DEPTH, colors: false }));
  }

  /**
   * Makes an uncaught exception or unhandled rejection print its scrubbed report to `io` and end the process with
   * exit code 1, as Node would without the scrubbing.
   */
  install(target: CrashProcess, io: Pick<Io, 'err'>): void {
    const crash = (what: string) => (thrown: unknown) => {
      try {
        io.err(`${what}: ${this.describe(thrown)}`);
      } catch {
        // Printing nothing beats printing the report unscrubbed.
        io.err(`${what}; the report could not be scrubbed of secret values, so it is not shown`);
      } finally {
        target.exit(1);
      }
    };
    target.on('uncaughtException', crash('uncaught exception'));
    target.on('unhandledRejection', crash('unhandled rejection'));
  }
}
