// One long-lived `git cat-file --batch-command` process per repository: reading an object costs a line on a pipe, not a process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitCommandError, GitObjectMissingError, GitRepoClosedError } from './errors.ts';
import { gitEnvironment } from './run-git.ts';

/** Type and size of an object, as `cat-file` reports it. */
export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

/** An object with its bytes; `content` is absent when the object was larger than the caller's bound. */
export interface ObjectContent extends ObjectInfo {
  content?: Buffer;
}

/** Where the tree reader gets objects from: the cat-file pipe here, another implementation in the benchmark. */
export interface ObjectSource {
  /** Reads an object; its bytes are left out (and never held in memory) when it is larger than `maxBytes`. */
  read(oid: string, maxBytes?: number): Promise<ObjectContent>;
}

interface Request {
  oid: string;
  maxBytes: number;
  resolve: (value: ObjectContent) => void;
  reject: (error: Error) => void;
}

/**
 * Reads objects through one `cat-file --batch-command` child. Requests are pipelined: many may be
 * outstanding, and answers come back in the order asked, so a whole tree's blobs stream through at once.
 */
export class ObjectReader implements ObjectSource {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly waiting: Request[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  /** Chunks held back until an incomplete object has fully arrived, so a large object is copied once, not per chunk. */
  private heldBack: Buffer[] = [];
  private heldBackLength = 0;
  private needed = 0;
  /** Bytes of an oversized object still to be dropped from the pipe. */
  private skipping = 0;
  private closed = false;

  constructor(private readonly gitDir: string) {}

  /** An object with its bytes, or only its type and size when it is larger than `maxBytes`. */
  read(oid: string, maxBytes = Number.POSITIVE_INFINITY): Promise<ObjectContent> {
    if (this.closed) return Promise.reject(new GitRepoClosedError({ dir: this.gitDir }));
    // An oid with spaces or newlines would desynchronise the protocol; ids from git never have them.
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.reject(new GitObjectMissingError({ oid }));
    const child = this.ensureChild();
    return new Promise((resolve, reject) => {
      this.waiting.push({ oid, maxBytes, resolve, reject });
      child.stdin.write(`contents ${oid}\n`);
    });
  }

  /** Stops the child; pending requests fail. */
  close(): void {
    this.closed = true;
    this.child?.stdin.end();
    this.child = null;
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch-command'], { cwd: this.gitDir, env: gitEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stdin.on('error', () => {});
    const fail = (exitCode: number | null, message: string) => {
      if (this.child === child) this.child = null;
      this.buffered = Buffer.alloc(0);
      this.heldBack = [];
      this.heldBackLength = 0;
      this.needed = 0;
      this.skipping = 0;
      const error = new GitCommandError({ args: ['cat-file', '--batch-command'], exitCode, stderr: message, timedOut: false });
      for (const request of this.waiting.splice(0)) request.reject(error);
    };
    child.on('error', (error) => fail(null, error.message));
    child.on('close', (exitCode) => fail(exitCode, stderr || 'cat-file stopped'));
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    if (this.skipping > 0) {
      const dropped = Math.min(this.skipping, chunk.length);
      this.skipping -= dropped;
      chunk = chunk.subarray(dropped);
    }
    if (this.buffered.length + this.heldBackLength + chunk.length < this.needed) {
      this.heldBack.push(chunk);
      this.heldBackLength += chunk.length;
      return;
    }
    this.buffered = Buffer.concat([this.buffered, ...this.heldBack, chunk]);
    this.heldBack = [];
    this.heldBackLength = 0;
    this.needed = 0;
    for (;;) {
      const request = this.waiting[0];
      if (!request || this.skipping > 0) return;
      const lineEnd = this.buffered.indexOf(0x0a);
      if (lineEnd < 0) return;
      const header = this.buffered.subarray(0, lineEnd).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffered = this.buffered.subarray(lineEnd + 1);
        this.waiting.shift();
        request.reject(new GitObjectMissingError({ oid: request.oid }));
        continue;
      }
      const [oid = '', type = '', sizeText = '0'] = header.split(' ');
      const size = Number(sizeText);
      // The content is followed by one newline.
      const end = lineEnd + 1 + size + 1;
      if (size > request.maxBytes) {
        // Too large to keep: answer now and drop its bytes as they stream past.
        this.waiting.shift();
        request.resolve({ oid, type, size });
        this.skipping = Math.max(0, end - this.buffered.length);
        this.buffered = this.buffered.subarray(Math.min(end, this.buffered.length));
        continue;
      }
      if (this.buffered.length < end) {
        this.needed = end;
        return;
      }
      const content = Buffer.from(this.buffered.subarray(lineEnd + 1, lineEnd + 1 + size));
      this.buffered = this.buffered.subarray(end);
      this.waiting.shift();
      request.resolve({ oid, type, size, content });
    }
  }
}
