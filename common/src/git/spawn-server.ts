// Starting a process from a large one is slow: Linux copies the parent's page tables on fork, so at 1 GiB resident a
// git command costs 25 ms of the service's main thread before git even runs (9 ms at 300 MiB, 1.5 ms for a bare
// Node). Cascade's services start git dozens of times a minute, so each starts its git commands from a small helper
// process instead, started once while the service is still small (Python's multiprocessing calls this a fork server).
// Only whole-output commands go through it; the long-lived cat-file and fast-import sessions are started directly.
import { spawn, type ChildProcess } from 'node:child_process';

/** One git command for the spawn server: argv only, never a shell. */
export interface SpawnRequest {
  args: string[];
  cwd: string;
  /** Variables on top of the server's environment (the service's, as it was when the server started). */
  env?: Record<string, string>;
  input?: string | Uint8Array;
  timeoutMs: number;
}

/** What git did: its exit code (null when killed), output, and whether the timeout killed it; or why it did not start. */
export type SpawnReply = { exitCode: number | null; stdout: Buffer; stderr: string; timedOut: boolean } | { error: string };

/** The variables every git child gets on top of the environment: no terminal prompts, messages Cascade can parse. */
export const GIT_ENVIRONMENT = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' } as const;

/** Marks the server's command line, so tools can tell it apart from the service. */
export const SPAWN_SERVER_MARKER = 'cascade-git-spawn-server';

// The server's whole program, run with `node -e`: a fixed text (no request data is ever part of it), so it needs no
// file of its own next to the bundle. It answers each request when git has exited, and exits with its parent.
const SERVER_PROGRAM = `'use strict';
const { spawn } = require('node:child_process');
const base = { ...process.env, ...${JSON.stringify(GIT_ENVIRONMENT)} };
process.on('disconnect', () => process.exit(0));
process.on('message', (request) => {
  let settled = false;
  const answer = (reply) => { if (!settled) { settled = true; process.send({ id: request.id, ...reply }); } };
  let child;
  try {
    child = spawn('git', request.args, { cwd: request.cwd, env: request.env ? { ...base, ...request.env } : base, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    answer({ error: String(error && error.message || error) });
    return;
  }
  const stdout = [];
  const stderr = [];
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, request.timeoutMs);
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  child.on('error', (error) => { clearTimeout(timer); answer({ error: error.message }); });
  const done = (exitCode) => {
    clearTimeout(timer);
    answer({ exitCode, timedOut, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
  };
  child.on('close', done);
  // A killed git's own children may hold its output open for long: a timeout is answered when git itself is gone.
  child.on('exit', (exitCode) => { if (timedOut) done(exitCode); });
  child.stdin.end(request.input === undefined ? '' : request.input);
});
process.send({ ready: true });
`;

type Waiting = { request: SpawnRequest; resolve: (reply: SpawnReply) => void };

/**
 * Runs git commands through one helper process. Requests wait while it starts; should it fail to start, they (and
 * every later one) are started directly by `fallback`. A server that dies with requests in flight answers them with
 * an error (git may or may not have run them, as with a crash) and is started again for the next request.
 */
export class GitSpawnServer {
  private server: ChildProcess | undefined;
  private ready = false;
  private failed = false;
  private nextId = 1;
  private readonly queued: Waiting[] = [];
  private readonly inFlight = new Map<number, (reply: SpawnReply) => void>();

  /** `fallback` starts git directly; `node` is the program that runs the server (this Node unless a test says otherwise). */
  constructor(
    private readonly fallback: (request: SpawnRequest) => Promise<SpawnReply>,
    private readonly node: string = process.execPath,
  ) {}

  /** Runs one command; never rejects (a failure to start git is an `error` reply). */
  run(request: SpawnRequest): Promise<SpawnReply> {
    if (this.failed) return this.fallback(request);
    return new Promise((resolve) => {
      if (this.ready) this.send({ request, resolve });
      else {
        this.queued.push({ request, resolve });
        this.start();
      }
    });
  }

  /** True once the server answered that it runs; false while it starts or after it failed to. */
  get running(): boolean {
    return this.ready && this.server !== undefined;
  }

  /** The server's pid, for tools and tests; undefined while none runs. */
  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** Stops the server; commands in flight get an error answer, and the next command starts a new one. */
  close(): void {
    this.server?.kill('SIGKILL');
  }

  private start(): void {
    if (this.server !== undefined) return;
    let server: ChildProcess;
    try {
      // A small young generation: git's output is held in buffers outside the heap, so the heap stays small.
      server = spawn(this.node, ['--max-semi-space-size=1', '-e', SERVER_PROGRAM, SPAWN_SERVER_MARKER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    } catch {
      this.giveUp();
      return;
    }
    this.server = server;
    // The service may exit while the server idles; the server follows it (its channel closes).
    server.unref();
    server.on('message', (message: { ready?: true; id?: number } & Partial<SpawnReply>) => this.receive(server, message));
    server.on('error', () => this.lost(server));
    server.on('exit', () => this.lost(server));
  }

  private receive(server: ChildProcess, message: { ready?: true; id?: number } & Partial<SpawnReply>): void {
    if (server !== this.server) return;
    if (message.ready === true) {
      this.ready = true;
      for (const waiting of this.queued.splice(0)) this.send(waiting);
      this.holdOpen();
      return;
    }
    const resolve = this.inFlight.get(message.id!);
    if (resolve === undefined) return;
    this.inFlight.delete(message.id!);
    const { id: _id, ready: _ready, ...reply } = message;
    resolve(reply as SpawnReply);
    this.holdOpen();
  }

  private send({ request, resolve }: Waiting): void {
    const id = this.nextId++;
    this.inFlight.set(id, resolve);
    this.holdOpen();
    this.server!.send({ id, ...request });
  }

  /** Keeps the service running while answers are due, and lets it exit while none are. */
  private holdOpen(): void {
    const channel = this.server?.channel;
    if (channel === undefined || channel === null) return;
    if (this.inFlight.size > 0 || this.queued.length > 0) channel.ref();
    else channel.unref();
  }

  /** The server is gone: one that never ran means direct starts from now on; one that ran is started again when needed. */
  private lost(server: ChildProcess): void {
    if (server !== this.server) return;
    this.server = undefined;
    if (!this.ready) {
      this.giveUp();
      return;
    }
    this.ready = false;
    const answers = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const resolve of answers) resolve({ error: 'the git spawn server exited while git ran; the command may or may not have taken effect' });
    if (this.queued.length > 0) this.start();
  }

  private giveUp(): void {
    this.failed = true;
    for (const { request, resolve } of this.queued.splice(0)) void this.fallback(request).then(resolve);
  }
}
