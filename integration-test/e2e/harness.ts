// End-to-end harness: the three Cascade services as separate `cascade` processes, the CLI as a process, bounded waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../scripts/cluster/lib/ports.ts';
import { waitUntil, type WaitOptions } from '../setup/wait.ts';

/** The `cascade` entry point every process runs. */
export const CASCADE_BIN = fileURLToPath(new URL('../../cli/bin/cascade.js', import.meta.url));

/** The long-running services, each started as `cascade <name> --config FILE`. */
export type ServiceName = 'deployer' | 'transitioner' | 'aggregator';

/** What a ServiceProcess runs: one service, or all three in one process (`cascade up`). */
export type CascadeCommand = ServiceName | 'up';

// Every child this module spawned and has not seen exit, so a failing test cannot leave one behind.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Kills every service process still running (afterEach/afterAll safety net). */
export async function killAllServices(): Promise<void> {
  await Promise.all([...liveChildren].map((child) => killChild(child, 'SIGKILL')));
}

/** A loopback port nobody listens on right now and no outgoing connection can take; services get it explicitly so a restart binds the same one. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** One service (or `cascade up`) run as its own process; start, stop and kill it as often as a test likes. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;

  constructor(
    readonly name: CascadeCommand,
    readonly configFile: string,
    /** Where `/readyz` is asked (for `up`, the service whose readiness the caller waits for). */
    readonly port: number,
    /** stdout and stderr of every run are appended here, for the failure report. */
    readonly logFile: string,
    /** Environment overrides of this process (another replica's listen address and data dir). */
    readonly env: Record<string, string> = {},
    /** Node options of this process, such as `--cpu-prof` (which NODE_OPTIONS does not take). */
    readonly nodeArgs: readonly string[] = [],
  ) {}

  /** Base URL of the service's HTTP API. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (it must not be running) and waits for `/readyz`. */
  async start(readyTimeoutMs = 90_000): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    this.log.write(`--- start ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, [...this.nodeArgs, CASCADE_BIN, this.name, '--config', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    liveChildren.add(child);
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      this.log?.write(`--- exit code=${code} signal=${signal} ${new Date().toISOString()}\n`);
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    await waitFor(`${this.name} /readyz`, async () => {
      if (!this.running) throw new Error(`${this.name} exited during start-up; see ${this.logFile}`);
      const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? true : undefined;
    }, { timeoutMs: readyTimeoutMs, intervalMs: 250 });
  }

  /** SIGTERM and wait for the exit (SIGKILL after 20 s). */
  async stop(): Promise<void> {
    if (this.child) await killChild(this.child, 'SIGTERM');
  }

  /** kill -9: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    if (this.child) await killChild(this.child, 'SIGKILL');
  }

  /** The end of the log, for a failure report. */
  async tail(lines = 40): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** Closes the log file once the process is gone. */
  async close(): Promise<void> {
    await this.kill();
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise((resolve) => log.end(resolve));
  }
}

/** Sends `signal` and resolves once the child has exited; escalates to SIGKILL after 20 s. */
async function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const escalate = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(escalate);
}

/** What a finished CLI run printed and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cascade ARGS` against an aggregator with CASCADE_URL and CASCADE_TOKEN, optionally feeding stdin. */
export function runCli(args: string[], env: { url: string; token: string }, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CASCADE_BIN, ...args], {
      env: { ...process.env, CASCADE_URL: env.url, CASCADE_TOKEN: env.token },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A CLI run has no reason to take minutes; a hung one must fail the test, not stall it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** The shared bounded poll, with longer defaults: the services here start as separate processes. */
export function waitFor<T>(what: string, check: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  return waitUntil(what, check, { timeoutMs: 90_000, intervalMs: 300, ...options });
}
