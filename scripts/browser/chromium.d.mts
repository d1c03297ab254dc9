// Types of chromium.mjs, which stays plain JavaScript because it runs before the dependencies are installed.

/** Debian's chromium binary, the browser the tests launch by default. */
export declare const DEBIAN_CHROMIUM: string;

/** What the decision needs to know about the machine. */
export interface BrowserFacts {
  /** The binary the tests will launch (see chromiumPath). */
  path: string;
  /** True when CASCADE_CHROMIUM chose `path`. */
  overridden: boolean;
  /** True when `path` is an executable file. */
  present: boolean;
  /** True when running as root. */
  root: boolean;
  /** True when apt-get is on the PATH. */
  aptGet: boolean;
  /** True when sudo is on the PATH. */
  sudo: boolean;
}

/** One command to run, as argv. */
export interface InstallStep {
  command: string;
  args: string[];
}

/** What to do: nothing, run these commands, or stop with a message saying what a person has to do. */
export type BrowserPlan =
  | { action: 'ready' }
  | { action: 'install'; steps: InstallStep[]; env: Record<string, string> }
  | { action: 'stop'; message: string };

/** The browser the tests launch: `CASCADE_CHROMIUM` when set, else Debian's chromium. */
export declare function chromiumPath(env: Readonly<Record<string, string | undefined>>): string;

/** Decides from the machine's facts whether the browser is ready, can be installed here and now, or needs a person. */
export declare function planBrowserInstall(facts: BrowserFacts): BrowserPlan;
