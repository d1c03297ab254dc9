import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentStatus, Resource, YamlValue } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import type { EnvironmentPass } from '../targets/target.ts';
import type { ConfigTransport } from './arguments.ts';
import { ScriptLogStore } from './log-store.ts';
import type { ScriptTarget } from './script-target.ts';
import { createScriptTarget } from './script-target.ts';
import { SCRIPT_ACTIONS } from './state-machine.ts';
import { pidFrom, waitUntil } from '../testing/scripts.ts';

const DAY = 24 * 3600 * 1000;
let dir: string;
let time: Date;
const clock = { now: () => time, sleep: async () => {} };
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; }, isEnabled: () => false } as unknown as Logger;

// Every script records its call; create/update/archive/cleanup keep a marker so `check` can tell what exists.
// A file `fail-<action>` makes that action exit 1. A file `block-<action>` makes it write its pid to
// `pid-<action>-<name>` and wait for `go-<action>-<name>`, holding a slot in `slots/` meanwhile.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"
echo "$a $*" >> "$d/calls"
n=; cfg=; while [ $# -gt 0 ]; do case "$1" in --name) n="$2" ;; --config-file) cfg="$2" ;; esac; shift; done
[ -n "$cfg" ] && cp "$cfg" "$d/config-$a-$n.json"
if [ -f "$d/block-$a" ]; then
  mkdir -p "$d/slots"; mkdir "$d/slots/$n"; ls "$d/slots" | wc -l >> "$d/concurrency"
  echo $$ > "$d/pid-$a-$n.tmp"; mv "$d/pid-$a-$n.tmp" "$d/pid-$a-$n"
  while [ ! -f "$d/go-$a-$n" ]; do sleep 0.02; done
  rmdir "$d/slots/$n"
fi
[ -f "$d/fail-$a" ] && exit 1
case "$a" in
  create|unarchive) touch "$d/exists-$n" ;;
  cleanup) rm -f "$d/exists-$n" ;;
  check) [ -f "$d/exists-$n" ] || exit 1 ;;
  info) echo "web,https://preview.shop.example.com"; echo "evil,javascript:alert(1)" ;;
esac
exit 0`;

beforeEach(async () => {
  time = new Date('2024-03-01T00:00:00Z');
  dir = await mkdtemp(join(tmpdir(), 'cascade-script-target-'));
  for (const action of SCRIPT_ACTIONS) {
    await writeFile(join(dir, action), `#!/bin/sh\n${BODY}\n`);
    await chmod(join(dir, action), 0o755);
  }
});
afterEach(async () => {
  // A failed test may leave blocked scripts: release them before the directory goes.
  await writeFile(join(dir, 'unblock'), '');
  for (const file of await readdir(dir)) if (file.startsWith('pid-')) await writeFile(join(dir, `go-${file.slice(4)}`), '');
  await rm(dir, { recursive: true, force: true });
});

function preview(version: string, fields: Record<string, YamlValue> = {}, name = 'feature-x'): Resource {
  return { name, env: 'previews', source: { kind: 'versionOnly', versionFile: `previews/version/${name}.yaml` }, version: { version, fields: { version, ...fields } }, blobs: [] };
}
/** A preview whose version file the repo model could not read: it exists, with its problem and without version data. */
function unreadable(name = 'feature-x'): Resource {
  const file = `previews/version/${name}.yaml`;
  return { name, env: 'previews', source: { kind: 'versionOnly', versionFile: file }, blobs: [], problems: [{ file, severity: 'error', code: 'too-large', message: 'file is 5.1 MB, over the 5 MB bound', env: 'previews', resource: name }] };
}
function pass(resources: Resource[], pruneHold: string[] = []): EnvironmentPass {
  return { env: 'previews', binding: { env: 'previews', target: 'scripts', prune: false, selfHeal: false, allowEmpty: false }, commit: 'c1', resources, rendered: [], pruneHold };
}
async function calls(): Promise<string[]> {
  const text = await readFile(join(dir, 'calls'), 'utf8').catch(() => '');
  await writeFile(join(dir, 'calls'), '');
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(' --')[0] + (l.includes('--state') ? ` ${l.slice(l.indexOf('--state'))}` : ''));
}
/** Deploys, waits for the scripts that started, and reports the status they left. */
async function converge(scripts: ScriptTarget, resources: Resource[], pruneHold: string[] = []): Promise<EnvironmentStatus> {
  await scripts.deploy(pass(resources, pruneHold));
  await scripts.settle();
  return scripts.deploy(pass(resources, pruneHold));
}

describe('script target', () => {
  let logs = new ScriptLogStore();
  let changes: string[] = [];
  beforeEach(() => {
    logs = new ScriptLogStore();
    changes = [];
  });
  const target = (extra: { parallelism?: number; configTransport?: ConfigTransport } = {}) => createScriptTarget({
    name: 'scripts', project: { projectName: 'Shop', baseDomain: 'shop.example.com' }, runner: { dir, timeoutMs: 10_000, clock },
    retentionMs: 7 * DAY, checkIntervalMs: 60_000, logs, logger: quiet, onChange: (env) => void changes.push(env), ...extra,
  });

  it('creates, updates, checks, archives and cleans up a preview through its lifecycle, then forgets its logs', async () => {
    const scripts = target();
    let status = await converge(scripts, [preview('1.0', { config: { API: 'x' } })]);
    expect(await calls()).toEqual([
      'check', 'config_check', 'create', 'info',
      'notifications --state Running --previous-state CreatePending',
    ]);
    // Only http(s) links from `info` reach the status.
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Clean', scriptState: 'Running', liveVersion: '1.0', links: [{ name: 'web', url: 'https://preview.shop.example.com' }] })]);

    status = await converge(scripts, [preview('1.1', { config: { API: 'x' } })]);
    expect(await calls()).toEqual(['notifications --state UpdatePending --previous-state Running', 'config_check', 'update', 'info', 'notifications --state Running --previous-state UpdatePending']);
    expect(status.resources[0]).toMatchObject({ liveVersion: '1.1', state: 'Clean' });

    time = new Date(time.getTime() + 61_000);
    await converge(scripts, [preview('1.1', { config: { API: 'x' } })]);
    expect(await calls()).toEqual(['check']);

    status = await converge(scripts, []);
    expect(await calls()).toEqual(['notifications --state ArchivePending --previous-state Running', 'archive', 'archive_check', 'notifications --state Archived --previous-state ArchivePending']);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Archived', state: 'Clean' });
    expect(logs.get('previews', 'feature-x').length).toBeGreaterThan(0);

    time = new Date(time.getTime() + 8 * DAY);
    status = await converge(scripts, []);
    expect(await calls()).toEqual(['cleanup', 'notifications --state Gone --previous-state Archived']);
    expect(status.resources).toEqual([]);
    expect(logs.get('previews', 'feature-x')).toEqual([]);
  });

  it('reports a failing create with its file, waits for a change, then retries', async () => {
    await writeFile(join(dir, 'fail-create'), '');
    const scripts = target();
    let status = await converge(scripts, [preview('1.0')]);
    expect(status.state).toBe('Failed');
    expect(status.resources[0]?.errors).toEqual([{ code: 'script-failed', file: 'previews/version/feature-x.yaml', message: 'create exited with 1 (see the control-script logs)' }]);
    await calls();
    status = await converge(scripts, [preview('1.0')]);
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Failure', state: 'Failed' });

    await rm(join(dir, 'fail-create'));
    status = await converge(scripts, [preview('1.1')]);
    expect(await calls()).toContain('create');
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', errors: [] });
    expect(logs.get('previews', 'feature-x').some((run) => run.action === 'create' && run.exitCode === 1)).toBe(true);
  });

  it('adopts a preview that already runs after a restart instead of creating it again', async () => {
    await converge(target(), [preview('1.0')]);
    await calls();
    const status = await converge(target(), [preview('1.0')]);
    expect(await calls()).toEqual(['check']);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', state: 'Clean' });
  });

  it('leaves a preview whose version file became unreadable as it is, reporting the file, until the file is fixed', async () => {
    const scripts = target();
    await converge(scripts, [preview('1.0')]);
    await calls();
    let status = await converge(scripts, [unreadable()]);
    expect(await calls()).toEqual([]);
    const error = { code: 'too-large', file: 'previews/version/feature-x.yaml', message: 'file is 5.1 MB, over the 5 MB bound' };
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Failed', scriptState: 'Running', liveVersion: '1.0', errors: [error] })]);
    // Long past the retention period: still neither archived nor cleaned up.
    time = new Date(time.getTime() + 30 * DAY);
    status = await converge(scripts, [unreadable()]);
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', errors: [error] });

    status = await converge(scripts, [preview('1.0')]);
    expect(await calls()).toEqual(['check']);
    expect(status.resources[0]).toMatchObject({ state: 'Clean', scriptState: 'Running', errors: [] });
  });

  it('reports an unreadable preview it has no record of without calling any script', async () => {
    const status = await converge(target(), [unreadable()]);
    expect(await calls()).toEqual([]);
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Failed', errors: [expect.objectContaining({ code: 'too-large' })] })]);
  });

  it('archives and cleans up nothing while the environment has a prune hold, and still updates what the repo has', async () => {
    const scripts = target();
    await converge(scripts, [preview('1.0'), preview('1.0', {}, 'feature-y')]);
    await calls();
    const hold = ['previews/version: previews/version must be a folder, not a file or symlink'];
    let status = await converge(scripts, [preview('1.1', {}, 'feature-y')], hold);
    expect(await calls()).toEqual(['notifications --state UpdatePending --previous-state Running', 'config_check', 'update', 'info', 'notifications --state Running --previous-state UpdatePending']);
    expect(status.resources.find((r) => r.name === 'feature-x')).toMatchObject({ scriptState: 'Running' });
    expect(status.errors).toEqual([{ code: 'prune-held', message: expect.stringContaining(hold[0]!) }]);

    // Archived before the hold, past its retention during it: not cleaned up either.
    await converge(scripts, [preview('1.1', {}, 'feature-y')]);
    await calls();
    time = new Date(time.getTime() + 30 * DAY);
    status = await converge(scripts, [preview('1.1', {}, 'feature-y')], hold);
    expect(await calls()).toEqual(['check']);
    expect(status.resources.find((r) => r.name === 'feature-x')).toMatchObject({ scriptState: 'Archived' });
  });

  it('reports a version file that cannot become arguments, without calling any script', async () => {
    const status = await converge(target(), [preview('-x')]);
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ state: 'Failed', errors: [{ code: 'invalid-script-argument', file: 'previews/version/feature-x.yaml' }] });
  });

  it('fails only the resource whose tag is too long for argv (E2BIG), naming the file and field, and deploys the others', async () => {
    const scripts = target();
    const status = await converge(scripts, [preview('v'.repeat(200_000), {}, 'huge'), preview('1.0', {}, 'fine')]);
    const huge = status.resources.find((r) => r.name === 'huge');
    expect(huge).toMatchObject({ state: 'Failed', errors: [{ code: 'invalid-script-argument', file: 'previews/version/huge.yaml', message: expect.stringMatching(/^version: .*bytes/) }] });
    // The tag is not repeated in the status either.
    expect(huge?.version).toBeUndefined();
    expect(status.resources.find((r) => r.name === 'fine')).toMatchObject({ state: 'Clean', scriptState: 'Running' });
    expect((await calls()).length).toBeGreaterThan(0);
    expect(logs.get('previews', 'huge')).toEqual([]);
  });

  it('keeps config values out of the process list: a running script\'s /proc/<pid>/cmdline holds none of them', async () => {
    await writeFile(join(dir, 'block-create'), '');
    const scripts = target();
    await scripts.deploy(pass([preview('1.0', { config: { DB_PASSWORD: 'hunter2-very-secret' }, deploymentConfig: { token: 'dep-secret-42' } })]));
    const pid = await pidFrom(join(dir, 'pid-create-feature-x'));
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline.join(' ')).not.toContain('hunter2-very-secret');
    expect(cmdline.join(' ')).not.toContain('dep-secret-42');
    const configFile = cmdline[cmdline.indexOf('--config-file') + 1]!;
    expect(configFile).toMatch(/config\.json$/);
    // The script reads them from the file, which only the deployer's user can open.
    expect(JSON.parse(await readFile(join(dir, 'config-create-feature-x.json'), 'utf8'))).toMatchObject({ tag: '1.0', applicationConfig: { DB_PASSWORD: 'hunter2-very-secret' }, deploymentConfig: { token: 'dep-secret-42' } });
    await writeFile(join(dir, 'go-create-feature-x'), '');
    await scripts.settle();
    expect(existsSync(configFile)).toBe(false);
    expect(JSON.stringify(logs.get('previews', 'feature-x'))).not.toContain('hunter2-very-secret');
  });

  it('passes config as argv with configArguments: argv, for old scripts (where the process list shows it)', async () => {
    await writeFile(join(dir, 'block-create'), '');
    const scripts = target({ configTransport: 'argv' });
    await scripts.deploy(pass([preview('1.0', { config: { DB_PASSWORD: 'hunter2' } })]));
    const pid = await pidFrom(join(dir, 'pid-create-feature-x'));
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline).toContain('DB_PASSWORD=hunter2');
    expect(cmdline).not.toContain('--config-file');
    await writeFile(join(dir, 'go-create-feature-x'), '');
    await scripts.settle();
  });

  it('answers a pass at once with pending states while scripts run, and tells the service when they changed a status', async () => {
    await writeFile(join(dir, 'block-create'), '');
    const scripts = target();
    const first = await scripts.deploy(pass([preview('1.0')]));
    expect(first.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Outdated', version: '1.0' })]);
    await pidFrom(join(dir, 'pid-create-feature-x'));
    // create is still running: the pass has its answer anyway, and it is not Clean.
    const during = await scripts.deploy(pass([preview('1.0')]));
    expect(during).toMatchObject({ state: 'Outdated', resources: [{ scriptState: 'CreatePending', reason: 'CreatePending' }] });
    expect(existsSync(join(dir, 'exists-feature-x'))).toBe(false);
    expect(changes).toEqual(['previews']);

    await writeFile(join(dir, 'go-create-feature-x'), '');
    await scripts.settle();
    expect(changes).toEqual(['previews', 'previews']);
    expect(await scripts.deploy(pass([preview('1.0')]))).toMatchObject({ state: 'Clean', resources: [{ scriptState: 'Running' }] });
  });

  it('runs at most `parallelism` scripts at once, and more than one', async () => {
    await writeFile(join(dir, 'block-create'), '');
    const scripts = target({ parallelism: 2 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    await scripts.deploy(pass(names.map((name) => preview('1.0', {}, name))));
    const blocked = async () => (await readdir(dir)).filter((f) => f.startsWith('pid-create-') && !f.endsWith('.tmp')).map((f) => f.slice('pid-create-'.length));
    const released = new Set<string>();
    while (released.size < names.length) {
      await waitUntil(async () => (await blocked()).filter((n) => !released.has(n)).length === Math.min(2, names.length - released.size), 'two creates to hold their slots');
      for (const name of await blocked()) {
        if (released.has(name)) continue;
        released.add(name);
        await writeFile(join(dir, `go-create-${name}`), '');
      }
    }
    await scripts.settle();
    const seen = (await readFile(join(dir, 'concurrency'), 'utf8')).split('\n').filter(Boolean).map(Number);
    expect(Math.max(...seen)).toBe(2);
    const status = await scripts.deploy(pass(names.map((name) => preview('1.0', {}, name))));
    expect(status.state).toBe('Clean');
  });

  it('runs check on its own interval, not on every pass', async () => {
    const scripts = target();
    await converge(scripts, [preview('1.0')]);
    await calls();
    for (let i = 0; i < 5; i++) await converge(scripts, [preview('1.0')]);
    expect(await calls()).toEqual([]);
    time = new Date(time.getTime() + 60_000);
    for (let i = 0; i < 3; i++) await converge(scripts, [preview('1.0')]);
    expect(await calls()).toEqual(['check']);
  });
});

