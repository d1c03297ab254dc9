import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { blobId } from '../repo/files.ts';
import { createPrng } from '../testing/index.ts';
import { GitCommandError } from './errors.ts';
import { directGit, runGit, spawnGitDirectly } from './run-git.ts';
import { GitSpawnServer, SPAWN_SERVER_MARKER, type DirectGit, type SpawnReply, type SpawnRequest } from './spawn-server.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-spawn-server-'));
  await runGit(['init', '-q', '--bare', dir], { cwd: tmpdir() });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The command line of process `pid`, as its argv. */
async function commandLine(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
}

describe('git spawn server', () => {
  it('runs git from a helper process and carries input and output through unchanged', async () => {
    // Bytes of every value, a few MB, so the answer crosses the channel in many pieces.
    const server = track(new GitSpawnServer(directGit));
    const rng = createPrng(7);
    const bytes = new Uint8Array(3_000_000).map(() => rng.int(256));
    const written = await server.run({ args: ['hash-object', '-w', '--stdin'], cwd: dir, input: bytes, timeoutMs: 60_000 });
    expect(server.pid).toBeDefined();
    expect(server.pid).not.toBe(process.pid);
    expect(await commandLine(server.pid!)).toContain(SPAWN_SERVER_MARKER);
    const id = okStdout(written).toString('utf8').trim();
    const read = await server.run({ args: ['cat-file', 'blob', id], cwd: dir, timeoutMs: 60_000 });
    expect(Buffer.compare(okStdout(read), Buffer.from(bytes))).toBe(0);
  });

  it.each([
    ['through the server', (request: SpawnRequest) => track(new GitSpawnServer(directGit)).run(request)],
    ['directly', spawnGitDirectly],
  ])('reports exit codes, stderr, timeouts and a git that cannot start, started %s', async (_, start) => {
    const server = { run: start };
    const missing = await server.run({ args: ['rev-parse', '--verify', 'no-such-branch'], cwd: dir, timeoutMs: 60_000 });
    expect(missing).toMatchObject({ exitCode: 128, timedOut: false });
    expect((missing as { stderr: string }).stderr).toContain('fatal');
    const slow = await server.run({ args: ['-c', 'alias.wait=!sleep 30', 'wait'], cwd: dir, timeoutMs: 100 });
    expect(slow).toMatchObject({ exitCode: null, timedOut: true });
    const nowhere = await server.run({ args: ['status'], cwd: join(dir, 'does-not-exist'), timeoutMs: 60_000 });
    expect(nowhere).toHaveProperty('error');
  });

  it('answers an error for what ran when it died, and starts again for the next command', async () => {
    const server = track(new GitSpawnServer(directGit));
    await server.run({ args: ['--version'], cwd: dir, timeoutMs: 60_000 });
    const first = server.pid!;
    const cut = server.run({ args: ['-c', 'alias.wait=!sleep 30', 'wait'], cwd: dir, timeoutMs: 60_000 });
    process.kill(first, 'SIGKILL');
    expect(await cut).toEqual({ error: expect.stringContaining('may or may not have taken effect') });
    const again = await server.run({ args: ['--version'], cwd: dir, timeoutMs: 60_000 });
    expect(okStdout(again).toString()).toMatch(/^git version/);
    expect(server.pid).not.toBe(first);
  });

  it('starts git directly when the helper cannot start, also for the commands and sessions that waited for it', async () => {
    const direct: string[] = [];
    const fallback: DirectGit = {
      run: (request) => (direct.push(request.args[0]!), directGit.run(request)),
      session: (request, handlers) => (direct.push(request.args[0]!), directGit.session(request, handlers)),
    };
    const server = track(new GitSpawnServer(fallback, join(dir, 'no-such-node')));
    // A session asked for and written to before the server was found missing: its input waited, in order.
    const waited = hashThroughSession(server, ['first ', 'second']);
    const answers = await Promise.all([1, 2].map(() => server.run({ args: ['--version'], cwd: dir, timeoutMs: 60_000 })));
    for (const answer of answers) expect(okStdout(answer).toString()).toMatch(/^git version/);
    expect(await waited).toEqual({ exitCode: 0, stdout: `${blobId(Buffer.from('first second'))}\n` });
    await server.run({ args: ['--version'], cwd: dir, timeoutMs: 60_000 });
    expect(await hashThroughSession(server, ['later'])).toEqual({ exitCode: 0, stdout: `${blobId(Buffer.from('later'))}\n` });
    expect(direct.sort()).toEqual(['--version', '--version', '--version', 'hash-object', 'hash-object']);
    expect(server.running).toBe(false);
  });

  it('runs a session through the server: input as written, every output descriptor read, the end after all output', async () => {
    const server = track(new GitSpawnServer(directGit));
    const chunks = Array.from({ length: 50 }, (_, i) => `line ${i}\n`.repeat(2000));
    expect(await hashThroughSession(server, chunks)).toEqual({ exitCode: 0, stdout: `${blobId(Buffer.from(chunks.join('')))}\n` });
    expect(server.running).toBe(true);
    // Extra descriptors: fast-import answers get-mark on fd 3, as the commit chain uses it.
    const marks: Buffer[] = [];
    const exit = await new Promise((resolve) => {
      const session = server.session({ args: ['fast-import', '--quiet', '--done', '--cat-blob-fd=3'], cwd: dir, outputs: [2, 3] }, { data: (fd, chunk) => fd === 3 && marks.push(chunk), exit: resolve });
      session.write('blob\nmark :1\ndata 5\nhello\n');
      session.end('get-mark :1\ndone\n');
    });
    expect(exit).toEqual({ exitCode: 0 });
    expect(Buffer.concat(marks).toString()).toBe(`${blobId(Buffer.from('hello'))}\n`);
  });

  it('ends a session with an error when the server dies under it, and a killed one with no exit code', async () => {
    const server = track(new GitSpawnServer(directGit));
    await server.run({ args: ['--version'], cwd: dir, timeoutMs: 60_000 });
    const cut = new Promise((resolve) => server.session({ args: ['hash-object', '--stdin'], cwd: dir, outputs: [1] }, { data: () => {}, exit: resolve }));
    process.kill(server.pid!, 'SIGKILL');
    expect(await cut).toEqual({ error: expect.stringContaining('may or may not have taken effect') });
    const killed = new Promise((resolve) => {
      const session = server.session({ args: ['hash-object', '--stdin'], cwd: dir, outputs: [1] }, { data: () => {}, exit: resolve });
      session.kill();
    });
    expect(await killed).toEqual({ exitCode: null });
  });

  it('runGit starts git through a server of this process', async () => {
    await runGit(['--version'], { cwd: dir });
    const children = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    const servers: number[] = [];
    for (const pid of children) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      // The parent pid is the second field after the command name in parentheses.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = await commandLine(Number(pid)).catch(() => [] as string[]);
      if (parent === process.pid && argv.includes(SPAWN_SERVER_MARKER)) servers.push(Number(pid));
    }
    expect(servers).toHaveLength(1);
  });

  it('runGit turns a failed command into a GitCommandError naming it', async () => {
    const error = await runGit(['rev-parse', '--verify', 'no-such-branch'], { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).data).toMatchObject({ args: ['rev-parse', '--verify', 'no-such-branch'], exitCode: 128, timedOut: false });
  });

  it('lets a process that ran git exit while the helper idles', async () => {
    const runGitModule = fileURLToPath(new URL('./run-git.ts', import.meta.url));
    const script = `import { runGit } from ${JSON.stringify(runGitModule)}; const { stdout } = await runGit(['--version'], { cwd: ${JSON.stringify(dir)} }); console.log(String(stdout).trim());`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exitCode = await new Promise((resolve) => child.on('close', resolve));
    expect(exitCode).toBe(0);
    expect(out).toMatch(/^git version/);
  });
});

/** The stdout of a reply from a command that exited 0. */
function okStdout(reply: SpawnReply): Buffer {
  if ('error' in reply || reply.exitCode !== 0) throw new Error(`git failed: ${JSON.stringify('error' in reply ? reply.error : reply.stderr)}`);
  return reply.stdout;
}

/** A server stopped after the test that made it. */
function track(server: GitSpawnServer): GitSpawnServer {
  onTestFinished(() => server.close());
  return server;
}

/** `git hash-object --stdin` as a session fed `chunks`: its exit and what it printed. */
function hashThroughSession(server: GitSpawnServer, chunks: string[]): Promise<{ exitCode: number | null; stdout: string } | { error: string }> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const session = server.session({ args: ['hash-object', '--stdin'], cwd: dir, outputs: [1] }, {
      data: (fd, chunk) => fd === 1 && stdout.push(chunk),
      exit: (result) => resolve('error' in result ? result : { exitCode: result.exitCode, stdout: Buffer.concat(stdout).toString() }),
    });
    for (const chunk of chunks.slice(0, -1)) session.write(chunk);
    session.end(chunks.at(-1));
  });
}
