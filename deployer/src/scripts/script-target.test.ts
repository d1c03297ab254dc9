import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Resource, YamlValue } from '@cascade/common';
import type { Logger } from '@cascade/common/service';
import type { EnvironmentPass } from '../targets/target.ts';
import { ScriptLogStore } from './log-store.ts';
import { createScriptTarget } from './script-target.ts';
import { SCRIPT_ACTIONS } from './state-machine.ts';

const DAY = 24 * 3600 * 1000;
let dir: string;
let time: Date;
const clock = { now: () => time, sleep: async () => {} };
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; }, isEnabled: () => false } as unknown as Logger;

// Every script records its call; create/update/archive/cleanup keep a marker so `check` can tell what exists.
// A file `fail-<action>` makes that action exit 1.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"
echo "$a $*" >> "$d/calls"
[ -f "$d/fail-$a" ] && exit 1
case "$a" in
  create|unarchive) touch "$d/exists" ;;
  cleanup) rm -f "$d/exists" ;;
  check) [ -f "$d/exists" ] || exit 1 ;;
  info) echo "web,https://preview.shop.example.com" ;;
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

describe('script target', () => {
  const logs = new ScriptLogStore();
  const target = () => createScriptTarget({ name: 'scripts', project: { projectName: 'Shop', baseDomain: 'shop.example.com' }, runner: { dir, timeoutMs: 10_000, clock }, retentionMs: 7 * DAY, logs, logger: quiet });

  it('creates, updates, checks, archives and cleans up a preview through its lifecycle', async () => {
    const scripts = target();
    let status = await scripts.deploy(pass([preview('1.0', { config: { API: 'x' } })]));
    expect(await calls()).toEqual([
      'check', 'config_check', 'create', 'info',
      'notifications --state Running --previous-state CreatePending',
    ]);
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Clean', scriptState: 'Running', liveVersion: '1.0', links: [{ name: 'web', url: 'https://preview.shop.example.com' }] })]);

    status = await scripts.deploy(pass([preview('1.1', { config: { API: 'x' } })]));
    expect(await calls()).toEqual(['notifications --state UpdatePending --previous-state Running', 'config_check', 'update', 'info', 'notifications --state Running --previous-state UpdatePending']);
    expect(status.resources[0]).toMatchObject({ liveVersion: '1.1', state: 'Clean' });

    await scripts.deploy(pass([preview('1.1', { config: { API: 'x' } })]));
    expect(await calls()).toEqual(['check']);

    status = await scripts.deploy(pass([]));
    expect(await calls()).toEqual(['notifications --state ArchivePending --previous-state Running', 'archive', 'archive_check', 'notifications --state Archived --previous-state ArchivePending']);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Archived', state: 'Clean' });

    time = new Date(time.getTime() + 8 * DAY);
    status = await scripts.deploy(pass([]));
    expect(await calls()).toEqual(['cleanup', 'notifications --state Gone --previous-state Archived']);
    expect(status.resources).toEqual([]);
  });

  it('reports a failing create with its file, waits for a change, then retries', async () => {
    await writeFile(join(dir, 'fail-create'), '');
    const scripts = target();
    let status = await scripts.deploy(pass([preview('1.0')]));
    expect(status.state).toBe('Failed');
    expect(status.resources[0]?.errors).toEqual([{ code: 'script-failed', file: 'previews/version/feature-x.yaml', message: 'create exited with 1 (see the control-script logs)' }]);
    await calls();
    status = await scripts.deploy(pass([preview('1.0')]));
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Failure', state: 'Failed' });

    await rm(join(dir, 'fail-create'));
    status = await scripts.deploy(pass([preview('1.1')]));
    expect(await calls()).toContain('create');
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', errors: [] });
    expect(logs.get('previews', 'feature-x').some((run) => run.action === 'create' && run.exitCode === 1)).toBe(true);
  });

  it('adopts a preview that already runs after a restart instead of creating it again', async () => {
    await target().deploy(pass([preview('1.0')]));
    await calls();
    const restarted = target();
    const status = await restarted.deploy(pass([preview('1.0')]));
    expect(await calls()).toEqual(['check']);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', state: 'Clean' });
  });

  it('leaves a preview whose version file became unreadable as it is, reporting the file, until the file is fixed', async () => {
    const scripts = target();
    await scripts.deploy(pass([preview('1.0')]));
    await calls();
    let status = await scripts.deploy(pass([unreadable()]));
    expect(await calls()).toEqual([]);
    const error = { code: 'too-large', file: 'previews/version/feature-x.yaml', message: 'file is 5.1 MB, over the 5 MB bound' };
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Failed', scriptState: 'Running', liveVersion: '1.0', errors: [error] })]);
    // Long past the retention period: still neither archived nor cleaned up.
    time = new Date(time.getTime() + 30 * DAY);
    status = await scripts.deploy(pass([unreadable()]));
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ scriptState: 'Running', errors: [error] });

    status = await scripts.deploy(pass([preview('1.0')]));
    expect(await calls()).toEqual(['check']);
    expect(status.resources[0]).toMatchObject({ state: 'Clean', scriptState: 'Running', errors: [] });
  });

  it('reports an unreadable preview it has no record of without calling any script', async () => {
    const status = await target().deploy(pass([unreadable()]));
    expect(await calls()).toEqual([]);
    expect(status.resources).toEqual([expect.objectContaining({ name: 'feature-x', state: 'Failed', errors: [expect.objectContaining({ code: 'too-large' })] })]);
  });

  it('archives and cleans up nothing while the environment has a prune hold, and still updates what the repo has', async () => {
    const scripts = target();
    await scripts.deploy(pass([preview('1.0'), preview('1.0', {}, 'feature-y')]));
    await calls();
    const hold = ['previews/version: previews/version must be a folder, not a file or symlink'];
    let status = await scripts.deploy(pass([preview('1.1', {}, 'feature-y')], hold));
    expect(await calls()).toEqual(['notifications --state UpdatePending --previous-state Running', 'config_check', 'update', 'info', 'notifications --state Running --previous-state UpdatePending']);
    expect(status.resources.find((r) => r.name === 'feature-x')).toMatchObject({ scriptState: 'Running' });
    expect(status.errors).toEqual([{ code: 'prune-held', message: expect.stringContaining(hold[0]!) }]);

    // Archived before the hold, past its retention during it: not cleaned up either.
    await scripts.deploy(pass([preview('1.1', {}, 'feature-y')]));
    await calls();
    time = new Date(time.getTime() + 30 * DAY);
    status = await scripts.deploy(pass([preview('1.1', {}, 'feature-y')], hold));
    expect(await calls()).toEqual(['check']);
    expect(status.resources.find((r) => r.name === 'feature-x')).toMatchObject({ scriptState: 'Archived' });
  });

  it('reports a version file that cannot become arguments, without calling any script', async () => {
    const status = await target().deploy(pass([preview('-x')]));
    expect(await calls()).toEqual([]);
    expect(status.resources[0]).toMatchObject({ state: 'Failed', errors: [{ code: 'invalid-script-argument', file: 'previews/version/feature-x.yaml' }] });
  });
});
