import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RenderedResource } from '@cascade/common';
import { APP_CONFIG_RESOURCE, deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { ManualClock, silentLogger } from '@cascade/common/service';
import { ScriptLogStore } from '../scripts/log-store.ts';
import { SCRIPT_ACTIONS } from '../scripts/state-machine.ts';
import { writeScript } from '../testing/scripts.ts';
import type { StagingPass } from './driver.ts';
import type { ScriptStagingDriver, ScriptStagingDriverOptions } from './script-driver.ts';
import { createScriptStagingDriver } from './script-driver.ts';

const DAY = 24 * 3600 * 1000;
let dir: string;
let clock: ManualClock;

// Every script appends `<action> <name>` to `calls`; a file `fail-<action>` makes that action exit 1.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"; n=; prev=
for x in "$@"; do [ "$prev" = --name ] && n="$x"; prev="$x"; done
echo "$a $n" >> "$d/calls"
[ -f "$d/fail-$a" ] && exit 1
exit 0`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-script-staging-driver-'));
  for (const action of SCRIPT_ACTIONS) await writeScript(dir, action, BODY);
  clock = new ManualClock('2026-03-01T12:00:00Z');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function driver(extra: Partial<ScriptStagingDriverOptions> = {}): ScriptStagingDriver {
  return createScriptStagingDriver({
    target: 'scripts', project: { projectName: 'Shop', baseDomain: 'shop.example.com' }, runner: { dir, timeoutMs: 60_000, clock },
    checkIntervalMs: 60_000, logs: new ScriptLogStore(), logger: silentLogger, recordDir: join(dir, 'records'), ...extra,
  });
}

function pass(state: 'active' | 'archived' | 'cleanup', options: { tag?: string; rendered?: RenderedResource[]; name?: string } = {}): StagingPass {
  const name = options.name ?? 'feature-x';
  const snapshot = parseSnapshot(repoFilesFromText('c1', {
    'deployers.yaml': 'deployers:\n  dev: { target: scripts }\n',
    'dev/version/app.yaml': 'version: "1"\n',
    'stagings.yaml': 'stagings:\n  feature: { template: dev, target: scripts }\n',
    [`stagings/${name}.yaml`]: `kind: feature\ntag: ${options.tag ?? 't1'}\nstate: ${state}\n`,
  }));
  const deployment = deriveStagings(snapshot).deployments.get(name)!;
  return { deployment, commit: 'c1', step: { action: 'create', startedAt: clock.now().toISOString() }, resources: [], rendered: options.rendered ?? [], appSecrets: {}, links: [], pruneHold: [] };
}

async function converge(scripts: ScriptStagingDriver, p: StagingPass) {
  await scripts.deploy(p);
  await scripts.settle();
  return scripts.deploy(p);
}

async function takeCalls(): Promise<string[]> {
  const text = await readFile(join(dir, 'calls'), 'utf8').catch(() => '');
  await writeFile(join(dir, 'calls'), '');
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('notifications'));
}

describe('createScriptStagingDriver', () => {
  it('asks archive_check again at its pace until the archive is complete', async () => {
    const scripts = driver();
    await writeFile(join(dir, 'fail-archive_check'), '');
    expect(await converge(scripts, pass('archived'))).toMatchObject({ phase: 'ArchivePending', reason: 'archive_check: archive_check exited with 1' });
    expect(await takeCalls()).toEqual(['archive feature-x', 'archive_check feature-x']);
    await converge(scripts, pass('archived'));
    expect(await takeCalls()).toEqual([]);

    await clock.advance(5_000);
    await converge(scripts, pass('archived'));
    expect(await takeCalls()).toEqual(['archive_check feature-x']);
    await rm(join(dir, 'fail-archive_check'));
    await clock.advance(9_999);
    await converge(scripts, pass('archived'));
    expect(await takeCalls()).toEqual([]);
    await clock.advance(1);
    expect(await converge(scripts, pass('archived'))).toMatchObject({ phase: 'Archived' });
    expect(await takeCalls()).toEqual(['archive_check feature-x']);
  });

  it('runs nothing while the secrets cannot be decrypted, so missing secrets never read as a change', async () => {
    const scripts = driver();
    await converge(scripts, pass('active'));
    await takeCalls();
    const undecryptable: RenderedResource = { ok: false, env: 'feature-x', name: APP_CONFIG_RESOURCE, problems: [{ file: 'stagings/feature-x.yaml', severity: 'error', code: 'secret-undecryptable', message: 'cannot decrypt' }] };
    const status = await converge(scripts, pass('active', { rendered: [undecryptable] }));
    expect(status).toMatchObject({ phase: 'Failure', errors: [{ code: 'secret-undecryptable', file: 'stagings/feature-x.yaml' }] });
    expect(await takeCalls()).toEqual([]);
  });

  it('keeps the record of a staging missing from retain for a while, and of one marked for cleanup that is still deployed', async () => {
    const records = join(dir, 'records');
    const scripts = driver({ forgetAfterMs: DAY });
    await converge(scripts, pass('active'));
    await converge(scripts, pass('cleanup', { name: 'feature-y' }));
    for (let i = 0; i < 3; i++) {
      await scripts.deploy(pass('cleanup', { name: 'feature-y' }));
      scripts.retain(new Set());
      await clock.advance(DAY);
    }
    await scripts.settle();
    // feature-x has been missing longer than a day (its file unreadable, or gone); feature-y is still in the repo.
    expect(existsSync(join(records, 'feature-x.json'))).toBe(false);
    expect(existsSync(join(records, 'feature-y.json'))).toBe(true);
    expect(scripts.record('feature-y')?.done?.action).toBe('cleanup');
    await takeCalls();
    await converge(scripts, pass('cleanup', { name: 'feature-y' }));
    expect(await takeCalls()).toEqual([]);
  });

  it('changes its live version when a job changed the staging or a check fell due, and tells the service', async () => {
    const changed: string[] = [];
    const scripts = driver({ onChange: (name) => changed.push(name) });
    expect(scripts.liveVersion('feature-x')).toBeUndefined();
    await converge(scripts, pass('active'));
    expect(changed).toContain('feature-x');
    const settled = scripts.liveVersion('feature-x');
    expect(scripts.liveVersion('feature-x')).toBe(settled);
    await clock.advance(60_000);
    expect(scripts.liveVersion('feature-x')).not.toBe(settled);
  });
});
