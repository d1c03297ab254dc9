// The staging lifecycle end to end: a real bare remote, a deployer status over HTTP, and a manual clock.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StagingPhase } from '@cascade/common';
import { openRepo, type GitRepo } from '@cascade/common/git';
import { createDeployerClient } from '@cascade/common/peers';
import { ManualClock, silentLogger } from '@cascade/common/service';
import { createFixture, loadFixtureSpec, type FixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { startStatusServer, type StatusServer } from '../testing/status-server.ts';
import { createTransitioner, type Transitioner } from './transitioner.ts';

const DAY = 86_400_000;
const POLL = 60_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The stagings fixture (changed by `edit` when given) and a deployer that reports no staging yet. */
async function setup(edit?: (spec: FixtureSpec) => void): Promise<{ fx: GitFixture; deployer: StatusServer }> {
  const spec = loadFixtureSpec(join(import.meta.dirname, 'fixtures', 'stagings.yaml'));
  edit?.(spec);
  const fx = await createFixture(spec);
  cleanups.push(() => fx.cleanup());
  const deployer = await startStatusServer({ environments: [], stagings: [] });
  cleanups.push(() => deployer.close());
  return { fx, deployer };
}

/** A transitioner on its own cache clone, its commits and rounds timed by `clock`. */
async function startTransitioner(fx: GitFixture, deployer: StatusServer, clock: ManualClock): Promise<{ transitioner: Transitioner; repo: GitRepo }> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-stagings-'));
  const repo = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'repo.git'), now: () => clock.now() });
  const config = {
    repo: { url: fx.remote, transport: 'path' as const, branch: 'main', pollInterval: POLL },
    aggregator: { listen: '127.0.0.1:0', deployer: '', transitioner: '', anonymousRead: false, tokens: [] },
  };
  const transitioner = createTransitioner({ config, repo, deployerClient: createDeployerClient(deployer.url), clock, logger: silentLogger });
  cleanups.push(async () => {
    await transitioner.stop();
    await repo.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { transitioner, repo };
}

/** The deployer reporting one staging in `phase`, from `commit`. */
function reports(name: string, phase: StagingPhase, commit: string) {
  return { environments: [], stagings: [{ name, kind: 'feature', tag: '1f3e9a2', phase, commit, links: [], resources: [], errors: [] }] };
}

/** A person's commit of one file from their own clone, pushed with plain git. */
function pushAsPerson(clone: string, path: string, content: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: clone, encoding: 'utf8' });
  git('pull', '--quiet', '--ff-only');
  mkdirSync(dirname(join(clone, path)), { recursive: true });
  writeFileSync(join(clone, path), content);
  git('add', path);
  git('commit', '--quiet', '-m', `person edits ${path}`);
  git('push', '--quiet', 'origin', 'HEAD:main');
  return git('rev-parse', 'HEAD').trim();
}

const message = (fx: GitFixture, ref = 'main') => fx.git('log', '-1', '--format=%B', ref);
const head = async (fx: GitFixture) => (await fx.git('rev-parse', 'main')).trim();
const commitCount = async (fx: GitFixture) => Number((await fx.git('rev-list', '--count', 'main')).trim());
const stagingStatus = (t: Transitioner, name: string) => t.status().stagings?.find((s) => s.name === name);

describe('staging lifecycle', () => {
  it('archives after archiveAfter, marks for cleanup after retention, and removes the file once the deployer confirms', async () => {
    const { fx, deployer } = await setup((spec) => void (spec.head = 'stagings'));
    const clock = new ManualClock('2024-01-05T00:00:00Z');
    const { transitioner } = await startTransitioner(fx, deployer, clock);

    // Updated on Jan 1: not due before Jan 8.
    await transitioner.runOnce();
    expect(await commitCount(fx)).toBe(2);
    expect(stagingStatus(transitioner, 'feature-x')).toEqual({ name: 'feature-x', kind: 'feature', state: 'active', next: 'archive', at: '2024-01-08T00:00:00.000Z' });

    await clock.advance(3 * DAY);
    await transitioner.runOnce();
    expect(await message(fx)).toBe(
      [
        'Archive staging feature-x: not updated for 7d',
        '',
        'Kind feature archives a staging nobody updated for 7d; feature-x was last updated 2024-01-01T00:00:00.000Z (updatedAt).',
        '',
        'Cascade-Type: Staging',
        'Cascade-Staging: feature-x',
        'Cascade-Action: archive',
        '',
        '',
      ].join('\n'),
    );
    expect(await fx.readFile('main', 'stagings/feature-x.yaml')).toBe('# QA of the new checkout\nkind: feature\ntag: 1f3e9a2\nupdatedAt: 2024-01-01T00:00:00.000Z\nstate: archived\narchivedAt: "2024-01-08T00:00:00.000Z"\n');
    const archived = await head(fx);
    expect(stagingStatus(transitioner, 'feature-x')).toEqual({ name: 'feature-x', kind: 'feature', state: 'archived', next: 'cleanup', at: '2024-01-22T00:00:00.000Z', lastAction: { action: 'archive', commit: archived, time: '2024-01-08T00:00:00.000Z' } });

    await clock.advance(14 * DAY - 1);
    await transitioner.runOnce();
    expect(await head(fx)).toBe(archived);
    await clock.advance(1);
    await transitioner.runOnce();
    expect(await message(fx)).toMatch(/^Clean up staging feature-x: archived for 14d\n[\s\S]*\nCascade-Type: Staging\nCascade-Staging: feature-x\nCascade-Action: cleanup\n/);
    expect(await fx.readFile('main', 'stagings/feature-x.yaml')).toContain('\nstate: cleanup\narchivedAt: "2024-01-08T00:00:00.000Z"\n');
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ state: 'cleanup', next: 'remove', waitingFor: 'the deployer has not reported feature-x yet' });

    // The target is still cleaning up: the file stays, since it is what keeps the cleanup going.
    const markedForCleanup = await head(fx);
    deployer.set(reports('feature-x', 'CleanupPending', markedForCleanup));
    await transitioner.runOnce();
    expect(await head(fx)).toBe(markedForCleanup);
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ next: 'remove', waitingFor: 'the deployer reports CleanupPending' });

    // A confirmation for the file before it was marked is not one for the file as it is.
    deployer.set(reports('feature-x', 'CleanedUp', archived));
    await transitioner.runOnce();
    expect(await head(fx)).toBe(markedForCleanup);
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ waitingFor: 'the deployer confirmed the cleanup of an earlier version of stagings/feature-x.yaml' });

    deployer.set(reports('feature-x', 'CleanedUp', markedForCleanup));
    await transitioner.runOnce();
    expect(await message(fx)).toMatch(/^Remove staging feature-x: cleaned up\n[\s\S]*\nCascade-Type: Staging\nCascade-Staging: feature-x\nCascade-Action: remove\n/);
    expect(await fx.readFile('main', 'stagings/feature-x.yaml')).toBeNull();
    expect(transitioner.status().stagings).toBeUndefined();
    expect(await commitCount(fx)).toBe(5);
  });

  it('counts files written by hand from the commit that last changed them, looking that up once per version of the file', async () => {
    const { fx, deployer } = await setup();
    // The by-hand commit landed 2023-11-14T22:15:20Z; feature-x was updated on 2024-01-01.
    const clock = new ManualClock('2023-11-20T00:00:00Z');
    const { transitioner, repo } = await startTransitioner(fx, deployer, clock);
    const log = vi.spyOn(repo, 'log');

    await transitioner.runOnce();
    expect(stagingStatus(transitioner, 'hand-made')).toMatchObject({ state: 'active', next: 'archive', at: '2023-11-21T22:15:20.000Z' });
    expect(stagingStatus(transitioner, 'hand-archived')).toMatchObject({ state: 'archived', next: 'cleanup', at: '2023-11-28T22:15:20.000Z' });
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ state: 'active', next: 'archive', at: '2024-01-08T00:00:00.000Z' });
    expect(log).toHaveBeenCalledTimes(2);
    await transitioner.runOnce();
    expect(log).toHaveBeenCalledTimes(2);

    await clock.advance(9 * DAY);
    await transitioner.runOnce();
    const subjects = (await fx.git('log', '--format=%s', '-2', 'main')).trim().split('\n');
    expect(subjects).toEqual(['Archive staging hand-made: not updated for 7d', 'Clean up staging hand-archived: archived for 14d']);
    expect(await message(fx, 'main~1')).toContain('hand-archived was archived 2023-11-14T22:15:20.000Z (the last commit changing its file)');
    expect(await fx.readFile('main', 'stagings/hand-made.yaml')).toBe('kind: feature\ntag: b00c1e5\nstate: archived\narchivedAt: "2023-11-29T00:00:00.000Z"\n');
    expect(await fx.readFile('main', 'stagings/hand-archived.yaml')).toBe('kind: feature\ntag: 5e1f2a3\nstate: cleanup\n');
  });

  it('reports a staging it cannot edit and leaves it alone, the others going on', async () => {
    const { fx, deployer } = await setup((spec) => {
      spec.commits.push({ name: 'sealed', files: { 'stagings/sealed.yaml': 'kind: feature\ntag: abc\nupdatedAt: 2024-01-01T00:00:00.000Z\nsops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  version: 3.9.0\n' } });
    });
    const clock = new ManualClock('2024-01-09T00:00:00Z');
    const { transitioner } = await startTransitioner(fx, deployer, clock);
    await transitioner.runOnce();
    expect(stagingStatus(transitioner, 'sealed')).toEqual({ name: 'sealed', kind: 'feature', state: 'active', next: 'archive', problem: expect.stringMatching(/^stagings\/sealed\.yaml: cannot edit the file: .*mac_only_encrypted/) });
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ state: 'archived', lastAction: { action: 'archive' } });
    expect(transitioner.status().lastError).toBeUndefined();
    const count = await commitCount(fx);
    await transitioner.runOnce();
    expect(await commitCount(fx)).toBe(count);
  });

  it('keeps a commit someone pushed meanwhile, and decides again when it changed the staging', async () => {
    const { fx, deployer } = await setup((spec) => void (spec.head = 'stagings'));
    const clock = new ManualClock('2024-01-09T00:00:00Z');
    const { transitioner } = await startTransitioner(fx, deployer, clock);
    const clone = await fx.clone();

    // A person pushes to another file while the round waits for the deployer, after it fetched: the archive goes on top.
    deployer.hold();
    const round = transitioner.runOnce();
    while (deployer.requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const person = pushAsPerson(clone, 'dev/locks.yaml', 'env_lock: { reasons: [freeze] }\n');
    deployer.release();
    await round;
    expect(await message(fx)).toMatch(/^Archive staging feature-x: /);
    expect((await fx.git('rev-parse', 'main~1')).trim()).toBe(person);
    expect(await fx.readFile('main', 'dev/locks.yaml')).toBe('env_lock: { reasons: [freeze] }\n');

    // Archived; now a person restores and updates it while the next round waits: no cleanup, nothing overwritten.
    await clock.advance(15 * DAY);
    deployer.hold();
    const before = deployer.requests;
    const next = transitioner.runOnce();
    while (deployer.requests === before) await new Promise((resolve) => setTimeout(resolve, 5));
    const restored = 'kind: feature\ntag: 2a2a2a2\nupdatedAt: 2024-01-24T00:00:00.000Z\n';
    const update = pushAsPerson(clone, 'stagings/feature-x.yaml', restored);
    deployer.release();
    await next;
    expect(await head(fx)).toBe(update);
    expect(await fx.readFile('main', 'stagings/feature-x.yaml')).toBe(restored);
    expect(stagingStatus(transitioner, 'feature-x')).toMatchObject({ state: 'active', next: 'archive', at: '2024-01-31T00:00:00.000Z' });
  });

  it('wakes the loop when a step falls due before the next poll', async () => {
    const { fx, deployer } = await setup((spec) => void (spec.head = 'stagings'));
    // feature-x falls due for archiving 30 s from now, the next poll is 60 s away.
    const clock = new ManualClock('2024-01-07T23:59:30Z');
    const { transitioner } = await startTransitioner(fx, deployer, clock);
    transitioner.start();
    await clock.whenSleeping(2);
    expect(clock.pendingDelays()).toEqual([30_000, POLL]);
    expect(await commitCount(fx)).toBe(2);

    await clock.advance(30_000);
    // The woken round ends in the loop's wait for the next poll; the cleanup is weeks away, so nothing else waits.
    await clock.whenSleeping(1);
    expect(await message(fx)).toMatch(/^Archive staging feature-x: not updated for 7d\n/);
    expect(clock.pendingDelays()).toEqual([POLL]);
  });
});
