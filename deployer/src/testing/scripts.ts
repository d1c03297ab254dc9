// Helpers for the tests of control scripts: real scripts in temp dirs, and bounded polls on real processes.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes an executable shell script `name` with `body` into `dir`. */
export async function writeScript(dir: string, name: string, body: string): Promise<void> {
  await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
  await chmod(join(dir, name), 0o755);
}

/** Polls `check` until it holds; fails naming `what` after `limitMs`, so a broken behaviour ends the test instead of hanging it. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether process `pid` has ended (gone, or a zombie nobody reaped yet). */
export async function processGone(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** The pid a script wrote to `file`, once it is there. */
export async function pidFrom(file: string): Promise<number> {
  let text = '';
  await waitUntil(async () => (text = await readFile(file, 'utf8').catch(() => '')).endsWith('\n'), `a pid in ${file}`);
  return Number(text.trim());
}
