import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptLogStore } from './log-store.ts';
import type { ScriptRun } from './runner.ts';
import { ScriptNameError, runScript, succeeded } from './runner.ts';
import type { ScriptAction } from './state-machine.ts';
import { pidFrom, processGone, waitUntil, writeScript } from '../testing/scripts.ts';

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

const script = (name: string, body: string) => writeScript(dir, name, body);
const options = (extra: Partial<Parameters<typeof runScript>[0]> = {}) => ({ dir, timeoutMs: 10_000, clock, ...extra });
// Reads `--config-file PATH` from the arguments into $cfg.
const CONFIG_ARG = 'cfg=; while [ $# -gt 0 ]; do [ "$1" = --config-file ] && cfg="$2"; shift; done';

describe('runScript', () => {
  it('passes the exact argv, one argument per element, and captures output and exit code', async () => {
    await script('create', 'for a in "$@"; do printf "%s\\n" "$a" >> "$(dirname "$0")/argv"; done; echo created; echo warn >&2; exit 0');
    const args = ['--name', 'shop/cart', '--tag', '1.0 with spaces', '--application-config', 'A=b=c'];
    const run = await runScript(options(), 'create', { args });
    expect(succeeded(run)).toBe(true);
    expect(run).toMatchObject({ action: 'create', args, exitCode: 0, timedOut: false, stdout: 'created\n', stderr: 'warn\n' });
    expect((await readFile(join(dir, 'argv'), 'utf8')).split('\n').slice(0, -1)).toEqual(args);
  });

  it('passes shell syntax in a tag as one literal argument and never runs it', async () => {
    await script('update', 'printf "%s" "$4" > "$(dirname "$0")/tag"');
    const tag = `$(touch ${canary})`;
    const run = await runScript(options(), 'update', { args: ['--tag', 'x', '--x', tag, '`touch ' + canary + '`'] });
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(dir, 'tag'), 'utf8')).toBe(tag);
    expect(existsSync(canary)).toBe(false);
  });

  it('reports a non-zero exit code as it is', async () => {
    await script('check', 'echo partially down; exit 2');
    const run = await runScript(options(), 'check', { args: [] });
    expect(run).toMatchObject({ exitCode: 2, timedOut: false, stdout: 'partially down\n' });
    expect(succeeded(run)).toBe(false);
  });

  it('kills the whole process group when the time limit runs out', async () => {
    await script('create', `(sleep 30; touch ${canary}) & echo $! > "$(dirname "$0")/bg"; echo started; sleep 30`);
    const run = await runScript(options({ timeoutMs: 300 }), 'create', { args: [] });
    expect(run).toMatchObject({ exitCode: null, timedOut: true, stdout: 'started\n' });
    expect(succeeded(run)).toBe(false);
    const background = await pidFrom(join(dir, 'bg'));
    await waitUntil(() => processGone(background), 'the background child to be killed');
  });

  it('ends the call when the script exits, although a background child still holds stdout, and kills that child', async () => {
    await script('create', 'sleep 60 & echo $! > "$(dirname "$0")/bg"; echo done; exit 0');
    // Waiting for stdout to close would end this call only at the time limit, as a timeout.
    const run = await runScript(options({ timeoutMs: 5_000 }), 'create', { args: [] });
    expect(run).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'done\n' });
    expect(succeeded(run)).toBe(true);
    const background = await pidFrom(join(dir, 'bg'));
    await waitUntil(() => processGone(background), 'the background child to be killed');
  });

  it('kills a child that left the process group with setsid, when the script exits and when it times out', async () => {
    const escape = (file: string) => `setsid sh -c 'echo $$ > "$0"; exec sleep 60' "$(dirname "$0")/${file}" > /dev/null 2>&1 &
while [ ! -s "$(dirname "$0")/${file}" ]; do sleep 0.02; done`;
    await script('create', `${escape('escaped-on-exit')}\necho created`);
    expect(await runScript(options(), 'create', { args: [] })).toMatchObject({ exitCode: 0, stdout: 'created\n' });
    const onExit = await pidFrom(join(dir, 'escaped-on-exit'));
    await waitUntil(() => processGone(onExit), 'the setsid child of a script that exited to be killed');

    await script('update', `${escape('escaped-on-timeout')}\nsleep 60`);
    expect(await runScript(options({ timeoutMs: 1_000 }), 'update', { args: [] })).toMatchObject({ timedOut: true });
    const onTimeout = await pidFrom(join(dir, 'escaped-on-timeout'));
    await waitUntil(() => processGone(onTimeout), 'the setsid child of a script that timed out to be killed');
  });

  it('reports arguments the kernel refuses (E2BIG) as a failed run, without throwing', async () => {
    await script('create', 'exit 0');
    const run = await runScript(options(), 'create', { args: ['--tag', 'x'.repeat(200_000)] });
    expect(run).toMatchObject({ exitCode: null, timedOut: false, startError: expect.stringContaining('E2BIG') });
    expect(succeeded(run)).toBe(false);
    const many = await runScript(options(), 'create', { args: Array.from({ length: 20 }, () => 'y'.repeat(110_000)) });
    expect(many.startError).toContain('E2BIG');
  });

  it('hands the config document over as a private file, named by --config-file and removed after the call', async () => {
    await script('create', `${CONFIG_ARG}
stat -c '%a' "$cfg" "$(dirname "$cfg")"; cat "$cfg"; printf '%s\\n' "$cfg" > "$(dirname "$0")/path"`);
    const run = await runScript(options(), 'create', { args: ['--tag', '1'], configDocument: '{"applicationConfig":{"DB_PASSWORD":"hunter2"}}' });
    expect(run.exitCode).toBe(0);
    expect(run.args.slice(0, 3)).toEqual(['--tag', '1', '--config-file']);
    expect(run.args.join(' ')).not.toContain('hunter2');
    expect(run.stdout).toBe('600\n700\n{"applicationConfig":{"DB_PASSWORD":"hunter2"}}');
    const path = (await readFile(join(dir, 'path'), 'utf8')).trim();
    expect(run.args[3]).toBe(path);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(path, '..'))).toBe(false);
  });

  it('removes the config file also when the script times out, or cannot start', async () => {
    await script('create', `${CONFIG_ARG}\nprintf '%s\\n' "$cfg" > "$(dirname "$0")/path"; sleep 30`);
    const run = await runScript(options({ timeoutMs: 300 }), 'create', { args: [], configDocument: '{}' });
    expect(run.timedOut).toBe(true);
    expect(existsSync((await readFile(join(dir, 'path'), 'utf8')).trim())).toBe(false);
    const tooLong = await runScript(options(), 'create', { args: ['x'.repeat(200_000)], configDocument: '{}' });
    expect(tooLong.startError).toContain('E2BIG');
    expect(existsSync(tooLong.args[2]!)).toBe(false);
  });

  it('keeps a bounded part of the output', async () => {
    await script('info', 'i=0; while [ $i -lt 200 ]; do echo 0123456789; i=$((i+1)); done');
    const run = await runScript(options({ maxOutputBytes: 100 }), 'info', { args: [] });
    expect(run.stdout).toContain('0123456789');
    expect(run.stdout).toMatch(/\[… 2100 more bytes dropped\]$/);
  });

  it('does not pass the deployer environment on, only PATH, the configured variables and the call marker', async () => {
    process.env.CASCADE_TEST_SECRET = 'hunter2';
    try {
      await script('info', 'env');
      const run = await runScript(options({ env: { CASCADE_PROJECT: 'shop' } }), 'info', { args: [] });
      expect(run.stdout).toContain('CASCADE_PROJECT=shop');
      expect(run.stdout).toMatch(/^CASCADE_SCRIPT_RUN=[0-9a-f-]{36}$/m);
      expect(run.stdout).not.toContain('hunter2');
    } finally {
      delete process.env.CASCADE_TEST_SECRET;
    }
  });

  it('reports a missing script without throwing', async () => {
    const run = await runScript(options(), 'cleanup', { args: [] });
    expect(run).toMatchObject({ exitCode: null, startError: expect.stringContaining('missing or not executable') });
  });

  it('refuses names outside the contract, such as paths', async () => {
    await expect(runScript(options(), '../create' as ScriptAction, { args: [] })).rejects.toBeInstanceOf(ScriptNameError);
    await expect(runScript(options(), 'bin/sh' as ScriptAction, { args: [] })).rejects.toMatchObject({ code: 'invalid-script-name', data: { name: 'bin/sh' } });
  });
});

describe('ScriptLogStore', () => {
  const run = (n: number, stdout = ''): ScriptRun => ({ action: 'check', args: [String(n)], startedAt: '', durationMs: 0, exitCode: 0, timedOut: false, stdout, stderr: '' });

  it('keeps the last runs per resource', () => {
    const store = new ScriptLogStore({ perResource: 2 });
    for (const n of [1, 2, 3]) store.add('previews', 'a', run(n));
    store.add('previews', 'b', run(9));
    expect(store.get('previews', 'a').map((r) => r.args[0])).toEqual(['2', '3']);
    expect(store.get('previews', 'b')).toHaveLength(1);
    expect(store.get('dev', 'a')).toEqual([]);
  });

  it('keeps all resources together under a byte bound, dropping the oldest runs of any resource first', () => {
    const store = new ScriptLogStore({ maxBytes: 10_000 });
    // 40 resources with 1 KB of output each: without a total bound all 40 would stay.
    for (let n = 0; n < 40; n++) store.add('previews', `feature-${n}`, run(n, 'x'.repeat(1000)));
    expect(store.bytes()).toBeLessThanOrEqual(10_000);
    expect(store.get('previews', 'feature-0')).toEqual([]);
    expect(store.get('previews', 'feature-39').map((r) => r.args[0])).toEqual(['39']);
    const kept = Array.from({ length: 40 }, (_, n) => store.get('previews', `feature-${n}`).length);
    expect(kept.indexOf(1)).toBeGreaterThan(20);
    expect(kept.slice(kept.indexOf(1)).every((count) => count === 1)).toBe(true);
  });

  it('keeps the newest run even when it alone is over the bound, and forgets a resource on request', () => {
    const store = new ScriptLogStore({ maxBytes: 500 });
    store.add('previews', 'a', run(1, 'x'.repeat(2000)));
    expect(store.get('previews', 'a')).toHaveLength(1);
    store.add('previews', 'b', run(2));
    expect(store.get('previews', 'a')).toEqual([]);
    store.forget('previews', 'b');
    expect(store.get('previews', 'b')).toEqual([]);
    expect(store.bytes()).toBe(0);
  });
});
