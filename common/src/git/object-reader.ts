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

/** An object with its bytes. */
export interface ObjectContent extends ObjectInfo {
  content: Buffer;
}

interface Request {
  withContent: boolean;
  oid: string;
  resolve: (value: ObjectContent) => void;
  reject: (error: Error) => void;
}

/**
 * Reads objects through one `cat-file --batch-command` child. Requests are pipelined: many may be
 * outstanding, and answers come back in the order asked, so a whole tree's blobs stream through at once.
 */
export class ObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly waiting: Request[] = [];
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(private readonly gitDir: string) {}

  /** Type and size of an object, without its bytes. */
  info(oid: string): Promise<ObjectInfo> {
    return this.request(oid, false);
  }

  /** An object with its bytes. */
  read(oid: string): Promise<ObjectContent> {
    return this.request(oid, true);
  }

  /** Stops the child; pending requests fail. */
  close(): void {
    this.closed = true;
    this.child?.stdin.end();
    this.child = null;
  }

  private request(oid: string, withContent: boolean): Promise<ObjectContent> {
    if (this.closed) return Promise.reject(new GitRepoClosedError({ dir: this.gitDir }));
    // An oid with spaces or newlines would desynchronise the protocol; ids from git never have them.
    if (!/^[0-9a-f]{4,64}$/.test(oid)) return Promise.reject(new GitObjectMissingError({ oid }));
    const child = this.ensureChild();
    return new Promise((resolve, reject) => {
      this.waiting.push({ withContent, oid, resolve, reject });
      child.stdin.write(`${withContent ? 'contents' : 'info'} ${oid}\n`);
    });
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
      const error = new GitCommandError({ args: ['cat-file', '--batch-command'], exitCode, stderr: message, timedOut: false });
      for (const request of this.waiting.splice(0)) request.reject(error);
    };
    child.on('error', (error) => fail(null, error.message));
    child.on('close', (exitCode) => fail(exitCode, stderr || 'cat-file stopped'));
    this.child = child;
    return child;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const request = this.waiting[0];
      if (!request) return;
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
      if (!request.withContent) {
        this.buffered = this.buffered.subarray(lineEnd + 1);
        this.waiting.shift();
        request.resolve({ oid, type, size, content: Buffer.alloc(0) });
        continue;
      }
      // The content is followed by one newline; wait until all of it has arrived.
      const end = lineEnd + 1 + size + 1;
      if (this.buffered.length < end) return;
      const content = Buffer.from(this.buffered.subarray(lineEnd + 1, lineEnd + 1 + size));
      this.buffered = this.buffered.subarray(end);
      this.waiting.shift();
      request.resolve({ oid, type, size, content });
    }
  }
}
