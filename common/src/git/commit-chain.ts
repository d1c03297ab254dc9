// Writes a chain of commits through one `git fast-import` process: one child per batch of writes, however long the chain.
import { GitCommandError } from './errors.ts';
import { startGitSession } from './run-git.ts';
import type { TreeOperation } from './tree-edit.ts';
import type { Author } from './types.ts';

/** One commit of a chain, with everything already validated. */
export interface ChainCommit {
  /** Parent commit id, or null for the first commit of an empty branch. */
  parent: string | null;
  operations: TreeOperation[];
  /** The complete message, trailers included. */
  message: string;
  author: Author;
  committer: Author;
  time: Date;
}

/** An open fast-import session: add commits one by one, learn each id at once, then finish to make them durable. */
export interface CommitChain {
  /**
   * Writes one commit and resolves with its id. With `expectedId` (the id computed in memory), later commits may name
   * it as their parent at once, and it is sent together with the commits after it, by `finish()` at the latest: its
   * answer is read after `finish()`, so a chain costs one round trip to fast-import instead of one per commit.
   */
  commit(commit: ChainCommit, expectedId?: string): Promise<string>;
  /** Ends the stream; the objects are in the repository once this resolves. */
  finish(): Promise<void>;
}

/** Private ref fast-import updates; it keeps the chain reachable until it is pushed. */
const CHAIN_REF = 'refs/cascade/pending-write';

/** A chain is written in well under a second; a fast-import still running after this is stuck. */
const CHAIN_TIMEOUT_MS = 120_000;

/** Starts fast-import in a bare repository, through the spawn server; its answers to `get-mark` arrive on file descriptor 3. */
export function startCommitChain(gitDir: string): CommitChain {
  const args = ['fast-import', '--quiet', '--force', '--done', '--date-format=raw', '--cat-blob-fd=3'];
  let stderr = '';
  let failure: Error | null = null;
  const waiting: Array<{ resolve: (oid: string) => void; reject: (error: Error) => void }> = [];
  let pendingText = '';
  let timedOut = false;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const exited = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const timer = setTimeout(() => {
    timedOut = true;
    session.kill();
  }, CHAIN_TIMEOUT_MS);
  const answer = (chunk: Buffer) => {
    pendingText += chunk.toString('latin1');
    let newline: number;
    while ((newline = pendingText.indexOf('\n')) >= 0) {
      const line = pendingText.slice(0, newline);
      pendingText = pendingText.slice(newline + 1);
      waiting.shift()?.resolve(line.trim());
    }
  };
  const session = startGitSession({ args, cwd: gitDir, outputs: [2, 3] }, {
    data: (fd, chunk) => (fd === 3 ? answer(chunk) : (stderr += chunk.toString('utf8'))),
    exit: (result) => {
      clearTimeout(timer);
      if ('exitCode' in result && result.exitCode === 0 && !timedOut) return settle!.resolve();
      failure = new GitCommandError({ args, exitCode: 'exitCode' in result ? result.exitCode : null, stderr: 'error' in result ? result.error : stderr, timedOut });
      for (const request of waiting.splice(0)) request.reject(failure);
      settle!.reject(failure);
    },
  });
  // Callers only see `exited` through finish(); keep an early failure from being reported as unhandled.
  exited.catch(() => {});
  session.write(`reset ${CHAIN_REF}\n`);
  let mark = 0;
  // Commits of this chain are named by mark, since fast-import has not written them to the repository yet.
  const marksByOid = new Map<string, number>();
  const unsent: Buffer[] = [];
  const send = () => {
    if (unsent.length > 0) session.write(Buffer.concat(unsent.splice(0)));
  };
  return {
    async commit(commit, expectedId) {
      if (failure) throw failure;
      const thisMark = ++mark;
      const answer = new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
      const parentMark = commit.parent ? marksByOid.get(commit.parent) : undefined;
      const from = parentMark ? `:${parentMark}` : commit.parent;
      unsent.push(commitCommand(commit, thisMark, from), Buffer.from(`get-mark :${thisMark}\n`));
      // A commit named by its expected id waits to go out with the next ones, in one write; one whose id is needed
      // before the next can be planned goes now.
      if (expectedId !== undefined) marksByOid.set(expectedId, thisMark);
      else send();
      const oid = await answer;
      marksByOid.set(oid, thisMark);
      return oid;
    },
    async finish() {
      send();
      session.end('done\n');
      await exited;
    },
  };
}

function commitCommand(commit: ChainCommit, mark: number, from: string | null): Buffer {
  const parts: Buffer[] = [];
  const text = (value: string) => parts.push(Buffer.from(value, 'utf8'));
  const data = (bytes: Uint8Array) => {
    text(`data ${bytes.byteLength}\n`);
    parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    text('\n');
  };
  const seconds = Math.floor(commit.time.getTime() / 1000);
  text(`commit ${CHAIN_REF}\nmark :${mark}\n`);
  text(`author ${commit.author.name} <${commit.author.email}> ${seconds} +0000\n`);
  text(`committer ${commit.committer.name} <${commit.committer.email}> ${seconds} +0000\n`);
  data(Buffer.from(commit.message, 'utf8'));
  if (from) text(`from ${from}\n`);
  for (const operation of commit.operations) {
    if (operation.op === 'delete') text(`D ${quotePath(operation.path)}\n`);
    else {
      text(`M ${operation.mode} inline ${quotePath(operation.path)}\n`);
      data(operation.content);
    }
  }
  text('\n');
  return Buffer.concat(parts);
}

/** fast-import's C-style quoting; always quoting means no path can be mistaken for syntax. */
function quotePath(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
