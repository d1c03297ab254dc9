import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptLogStore } from './log-store.ts';
import { ScriptNameError, runScript, succeeded } from './runner.ts';
import type { ScriptAction } from './state-machine.ts';

// The wall clock is enough here: only start times are recorded, nothing waits on it.
const clock = { now: () => new Date(), sleep: async () => {} };
let dir: string;
let canary: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-scripts-'));
  canary = join(dir, 'pwned');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes an executable shell script named `name` into the scripts directory. */
async function script(name: string, body: string): Promise<void> {
  await writeFile(join(dir, name), `#!/bin/sh\n${body}\n`);
  await chmod(join(dir, name), 0o755);
}
const options = (extra: Partial<Parameters<typeof runScript>[0]> = {}) => ({ dir, timeoutMs: 10_000, clock, ...extra });

describe('runScript', () => {
  it('passes the exact argv, one argument per element, and captures output and exit code', async () => {
    await script('create', 'for a in "$@"; do printf "%s\\n" "$a" >> "$(dirname "$0")/argv"; done; echo created; echo warn >&2; exit 0');
    const args = ['--name', 'shop/cart', '--tag', '1.0 with spaces', '--application-config', 'A=b=c'];
    const run = await runScript(options(), 'create', args);
    expect(succeeded(run)).toBe(true);
    expect(run).toMatchObject({ action: 'create', args, exitCode: 0, timedOut: false, stdout: 'created\n', stderr: 'warn\n' });
    expect((await readFile(join(dir, 'argv'), 'utf8')).split('\n').slice(0, -1)).toEqual(args);
  });

  it('passes shell syntax in a tag as one literal argument and never runs it', async () => {
    await script('update', 'printf "%s" "$4" > "$(dirname "$0")/tag"');
    const tag = `$(touch ${canary})`;
    const run = await runScript(options(), 'update', ['--tag', 'x', '--x', tag, '`touch ' + canary + '`']);
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(dir, 'tag'), 'utf8')).toBe(tag);
    expect(existsSync(canary)).toBe(false);
  });

  it('reports a non-zero exit code as it is', async () => {
    await script('check', 'echo partially down; exit 2');
    const run = await runScript(options(), 'check', []);
    expect(run).toMatchObject({ exitCode: 2, timedOut: false, stdout: 'partially down\n' });
    expect(succeeded(run)).toBe(false);
  });

  it('kills the whole process group when the time limit runs out', async () => {
    await script('create', `(sleep 30; touch ${canary}) & echo started; sleep 30`);
    const run = await runScript(options({ timeoutMs: 300 }), 'create', []);
    expect(run).toMatchObject({ exitCode: null, timedOut: true, stdout: 'started\n' });
    expect(succeeded(run)).toBe(false);
  });

  it('keeps a bounded part of the output', async () => {
    await script('info', 'i=0; while [ $i -lt 200 ]; do echo 0123456789; i=$((i+1)); done');
    const run = await runScript(options({ maxOutputBytes: 100 }), 'info', []);
    expect(run.stdout).toContain('0123456789');
    expect(run.stdout).toMatch(/\[… 2100 more bytes dropped\]$/);
  });

  it('does not pass the deployer environment on, only PATH and the configured variables', async () => {
    process.env.CASCADE_TEST_SECRET = 'hunter2';
    try {
      await script('info', 'env');
      const run = await runScript(options({ env: { CASCADE_PROJECT: 'shop' } }), 'info', []);
      expect(run.stdout).toContain('CASCADE_PROJECT=shop');
      expect(run.stdout).not.toContain('hunter2');
    } finally {
      delete process.env.CASCADE_TEST_SECRET;
    }
  });

  it('reports a missing script without throwing', async () => {
    const run = await runScript(options(), 'cleanup', []);
    expect(run).toMatchObject({ exitCode: null, startError: expect.stringContaining('missing or not executable') });
  });

  it('refuses names outside the contract, such as paths', async () => {
    await expect(runScript(options(), '../create' as ScriptAction, [])).rejects.toBeInstanceOf(ScriptNameError);
    await expect(runScript(options(), 'bin/sh' as ScriptAction, [])).rejects.toMatchObject({ code: 'invalid-script-name', data: { name: 'bin/sh' } });
  });
});

describe('ScriptLogStore', () => {
  it('keeps the last runs per resource', () => {
    const store = new ScriptLogStore(2);
    const run = (n: number) => ({ action: 'check' as const, args: [String(n)], startedAt: '', durationMs: 0, exitCode: 0, timedOut: false, stdout: '', stderr: '' });
    for (const n of [1, 2, 3]) store.add('previews', 'a', run(n));
    store.add('previews', 'b', run(9));
    expect(store.get('previews', 'a').map((r) => r.args[0])).toEqual(['2', '3']);
    expect(store.get('previews', 'b')).toHaveLength(1);
    expect(store.get('dev', 'a')).toEqual([]);
  });
});
