// Starting a process from a large one is slow: Linux copies the parent's page tables on fork, so at 1.1 GiB resident
// a git command costs 16 ms of the service's main thread and 30 ms in all, against 0.2 ms and 4 ms from a small
// process (`npm run bench -- git-spawn`). Cascade's services start git often, so each starts its git commands from a
// small helper process instead, started once while the service is still small (Python's multiprocessing calls this a
// fork server).
// Whole-output commands and sessions (fast-import, fed through stdin and read as it answers) go through it; the one
// long-lived cat-file per repository is started directly, once.
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

/** A long-lived git process: stdin written as the caller goes, the file descriptors in `outputs` read as git writes them. */
export interface SessionRequest {
  args: string[];
  cwd: string;
  /** Output descriptors to read (2 is stderr, 3 and up extra pipes); stdout is read only when listed as 1. */
  outputs: number[];
}

/** Where a session's output and end go. */
export interface SessionHandlers {
  data(fd: number, chunk: Buffer): void;
  /** Once, after all data: git's exit code (null when killed), or why the session could not run. */
  exit(result: { exitCode: number | null } | { error: string }): void;
}

/** The caller's end of a session. */
export interface GitSession {
  write(bytes: Uint8Array | string): void;
  /** Writes the last bytes, if any, and closes stdin. */
  end(bytes?: Uint8Array | string): void;
  kill(): void;
}

/** How git is started without the server: the fallback, and what the server itself does. */
export interface DirectGit {
  run(request: SpawnRequest): Promise<SpawnReply>;
  session(request: SessionRequest, handlers: SessionHandlers): GitSession;
}

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
const sessions = new Map();
function startSession(request) {
  let child;
  try {
    const stdio = ['pipe'];
    const last = Math.max(2, ...request.outputs);
    for (let fd = 1; fd <= last; fd++) stdio.push(request.outputs.includes(fd) ? 'pipe' : 'ignore');
    child = spawn('git', request.args, { cwd: request.cwd, env: base, stdio });
  } catch (error) {
    process.send({ id: request.id, error: String(error && error.message || error) });
    return;
  }
  sessions.set(request.id, child);
  let ended = false;
  const end = (reply) => { if (!ended) { ended = true; sessions.delete(request.id); process.send({ id: request.id, ...reply }); } };
  for (const fd of request.outputs) child.stdio[fd].on('data', (data) => process.send({ id: request.id, fd, data }));
  child.stdin.on('error', () => {});
  child.on('error', (error) => end({ error: error.message }));
  child.on('close', (exitCode) => end({ exitCode }));
}
process.on('message', (request) => {
  if (request.session) return startSession(request);
  const session = sessions.get(request.id);
  if (request.write !== undefined) return session && session.stdin.write(request.write);
  if (request.end !== undefined) return session && session.stdin.end(request.end === true ? undefined : request.end);
  if (request.kill) return session && session.kill('SIGKILL');
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

/** A command or session the server was asked to run, by id. */
type Pending = { kind: 'run'; request: SpawnRequest; resolve: (reply: SpawnReply) => void } | { kind: 'session'; request: SessionRequest; handlers: SessionHandlers; handle: ServedSession };

/** A message for the server: a command, a session's start, or a session's input. */
type Outgoing = { id: number } & (SpawnRequest | (SessionRequest & { session: true }) | { write: Uint8Array | string } | { end: Uint8Array | string | true } | { kill: true });

/** A session's end as the caller holds it: through the server, or started directly when the server could not start. */
class ServedSession implements GitSession {
  direct: GitSession | undefined;
  constructor(
    private readonly post: (message: Outgoing) => void,
    readonly id: number,
  ) {}
  write(bytes: Uint8Array | string): void {
    if (this.direct) this.direct.write(bytes);
    else this.post({ id: this.id, write: bytes });
  }
  end(bytes?: Uint8Array | string): void {
    if (this.direct) this.direct.end(bytes);
    else this.post({ id: this.id, end: bytes ?? true });
  }
  kill(): void {
    if (this.direct) this.direct.kill();
    else this.post({ id: this.id, kill: true });
  }
}

/**
 * Runs git commands and sessions through one helper process. What is asked while it starts waits, in order; should
 * it fail to start, that (and everything later) is started directly. A server that dies with commands or sessions in
 * flight answers them with an error (git may or may not have run them, as with a crash) and is started again for the
 * next one.
 */
export class GitSpawnServer {
  private server: ChildProcess | undefined;
  private ready = false;
  private failed = false;
  private nextId = 1;
  /** Messages waiting for the server to start, in the order they were asked for. */
  private readonly queued: Outgoing[] = [];
  private readonly inFlight = new Map<number, Pending>();

  /** `direct` starts git without the server; `node` is the program that runs the server (this Node unless a test says otherwise). */
  constructor(
    private readonly direct: DirectGit,
    private readonly node: string = process.execPath,
  ) {}

  /** Runs one command; never rejects (a failure to start git is an `error` reply). */
  run(request: SpawnRequest): Promise<SpawnReply> {
    if (this.failed) return this.direct.run(request);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.inFlight.set(id, { kind: 'run', request, resolve });
      this.post({ id, ...request });
    });
  }

  /** Starts a session; its output and end go to `handlers`. */
  session(request: SessionRequest, handlers: SessionHandlers): GitSession {
    if (this.failed) return this.direct.session(request, handlers);
    const id = this.nextId++;
    const handle = new ServedSession((message) => this.post(message), id);
    this.inFlight.set(id, { kind: 'session', request, handlers, handle });
    this.post({ id, session: true, ...request });
    return handle;
  }

  /** True once the server answered that it runs; false while it starts or after it failed to. */
  get running(): boolean {
    return this.ready && this.server !== undefined;
  }

  /** The server's pid, for tools and tests; undefined while none runs. */
  get pid(): number | undefined {
    return this.server?.pid;
  }

  /** Stops the server; what is in flight gets an error answer, and the next command starts a new one. */
  close(): void {
    this.server?.kill('SIGKILL');
  }

  private post(message: Outgoing): void {
    if (this.failed) {
      this.directly(message);
      return;
    }
    if (this.ready) this.server!.send(message);
    else {
      this.queued.push(message);
      this.start();
    }
    this.holdOpen();
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
    server.on('message', (message: Incoming) => this.receive(server, message));
    server.on('error', () => this.lost(server));
    server.on('exit', () => this.lost(server));
  }

  private receive(server: ChildProcess, message: Incoming): void {
    if (server !== this.server) return;
    if (message.ready === true) {
      this.ready = true;
      for (const queued of this.queued.splice(0)) server.send(queued);
      this.holdOpen();
      return;
    }
    const pending = this.inFlight.get(message.id!);
    if (pending === undefined) return;
    const { id: _id, ready: _ready, fd, data, ...reply } = message;
    if (pending.kind === 'session' && fd !== undefined && data !== undefined) {
      pending.handlers.data(fd, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return;
    }
    this.inFlight.delete(message.id!);
    if (pending.kind === 'run') pending.resolve(reply as SpawnReply);
    else pending.handlers.exit('error' in reply ? { error: reply.error! } : { exitCode: reply.exitCode ?? null });
    this.holdOpen();
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
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    const error = 'the git spawn server exited while git ran; the command may or may not have taken effect';
    for (const entry of pending) {
      if (entry.kind === 'run') entry.resolve({ error });
      else entry.handlers.exit({ error });
    }
    if (this.queued.length > 0) this.start();
  }

  /** Starts directly, in order, what waited for a server that could not start; and everything from now on. */
  private giveUp(): void {
    this.failed = true;
    for (const message of this.queued.splice(0)) this.directly(message);
  }

  /** Does what `message` asks without the server. */
  private directly(message: Outgoing): void {
    const pending = this.inFlight.get(message.id);
    if (pending === undefined) return;
    if (pending.kind === 'run') {
      this.inFlight.delete(message.id);
      void this.direct.run(pending.request).then(pending.resolve);
      return;
    }
    const { handle, handlers } = pending;
    if ('session' in message) {
      const exit = (result: Parameters<SessionHandlers['exit']>[0]) => {
        this.inFlight.delete(message.id);
        handlers.exit(result);
      };
      handle.direct = this.direct.session(pending.request, { data: handlers.data, exit });
    } else if ('write' in message) handle.direct?.write(message.write);
    else if ('end' in message) handle.direct?.end(message.end === true ? undefined : message.end);
    else if ('kill' in message) handle.direct?.kill();
  }
}

/** What the server sends: that it is ready, a command's reply, a session's output, or a session's end. */
type Incoming = { ready?: true; id?: number; fd?: number; data?: Uint8Array; exitCode?: number | null; stdout?: Buffer; stderr?: string; timedOut?: boolean; error?: string };
