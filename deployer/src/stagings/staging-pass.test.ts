import { describe, expect, it } from 'vitest';
import type { SnapshotWithFiles, StagingStatus } from '@cascade/common';
import { parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import { keyringHolding } from '@cascade/common/secrets/testing';
import { ManualClock, silentLogger } from '@cascade/common/service';
import { TargetBackoff } from '../service/target-backoff.ts';
import { TargetUnreachableError } from '../targets/target.ts';
import { StagingActionStore } from './action-store.ts';
import type { StagingDriver, StagingPass } from './driver.ts';
import { StagingLanes } from './staging-lanes.ts';
import { deployStagings, stagingPassMemory, type StagingPassInput } from './staging-pass.ts';

const BASE: Record<string, string> = {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n',
  'stagings.yaml': 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}", baseDomain: shop.example.com }\n  remote: { template: dev, target: far, namespace: "far-{name}" }\n  scripted: { template: dev, target: scripts }\n  nowhere: { template: dev, target: missing, namespace: "x-{name}" }\n',
  'dev/deployable/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { a: "1" }\n',
};

function snapshotOf(stagings: Record<string, string>, commit = 'c1'): SnapshotWithFiles {
  const files = Object.fromEntries(Object.entries(stagings).map(([name, text]) => [`stagings/${name}.yaml`, text]));
  return parseSnapshot(repoFilesFromText(commit, { ...BASE, ...files }));
}

/** A driver that reports Running (or what `answer` says) and remembers every pass it was given. */
function fakeDriver(answer: (pass: StagingPass) => Promise<Partial<StagingStatus>> = async () => ({})): StagingDriver & { passes: StagingPass[] } {
  const passes: StagingPass[] = [];
  return {
    passes,
    async deploy(pass) {
      passes.push(pass);
      const { staging, kind } = pass.deployment;
      return { name: staging.name, kind: kind.name, target: kind.target, tag: staging.tag, phase: 'Running', commit: pass.commit, links: pass.links, resources: [], errors: [], ...(await answer(pass)) };
    },
  };
}

function passInput(snapshot: SnapshotWithFiles, drivers: Map<string, StagingDriver>, more: Partial<StagingPassInput> = {}): StagingPassInput {
  return {
    snapshot, cache: new Map(), targets: new Set(['local', 'far', 'scripts']), drivers, previous: new Map(), clock: new ManualClock(new Date('2026-01-01T00:00:00Z')),
    logger: silentLogger, actions: new StagingActionStore({ logger: silentLogger }), memory: stagingPassMemory(), ...more,
  };
}

const feature = (tag: string, extra = '') => `kind: feature\ntag: "${tag}"\n${extra}`;

/** Lets pending work run until `done` holds (bounded). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

describe('deployStagings', () => {
  it('deploys the good stagings next to held ones, which appear as Held with their reason, in the repo\'s order', async () => {
    const driver = fakeDriver();
    const result = await deployStagings(passInput(snapshotOf({ a: feature('1'), b: 'kind: unknown\ntag: "1"\n', c: feature('2') }), new Map([['local', driver]])));
    expect([...result.stagings.values()].map((s) => [s.name, s.phase])).toEqual([['a', 'Running'], ['b', 'Held'], ['c', 'Running']]);
    expect(result.stagings.get('b')).toMatchObject({ reason: expect.stringContaining('kind "unknown" is not defined'), errors: [{ code: 'staging-unknown-kind', file: 'stagings/b.yaml' }] });
    // Stagings deploy side by side: which reaches its driver first depends on how the machine schedules them.
    expect(driver.passes.map((p) => [p.deployment.staging.name, p.step.action, p.commit]).sort()).toEqual([['a', 'create', 'c1'], ['c', 'create', 'c1']]);
    const pass = driver.passes.find((p) => p.deployment.staging.name === 'a')!;
    expect(pass.rendered.map((r) => r.name)).toEqual(['app', 'cascade/app-config']);
    expect(pass.links).toEqual([{ name: 'a.shop.example.com', url: 'https://a.shop.example.com' }]);
    expect(result.deployed.get('local')).toEqual(new Set(['a', 'c']));
  });

  it('fails a staging whose kind names a target the config lacks, or one that cannot deploy stagings, saying which', async () => {
    const result = await deployStagings(passInput(snapshotOf({ n: 'kind: nowhere\ntag: "1"\n', s: 'kind: scripted\ntag: "1"\n' }), new Map()));
    expect(result.stagings.get('n')).toMatchObject({ phase: 'Failure', target: 'missing', errors: [{ code: 'unknown-target', message: expect.stringContaining("target missing, which the deployer's config does not define") }] });
    expect(result.stagings.get('s')).toMatchObject({ phase: 'Failure', errors: [{ code: 'stagings-unsupported' }] });
  });

  it('keeps one staging\'s exception with that staging, without the decrypted values it quoted', async () => {
    const keyring: SecretsKeyring = await keyringHolding({ TOKEN: 'hush-hush-value' });
    const driver = fakeDriver(async (pass) => {
      if (pass.deployment.staging.name === 'bad') throw new Error('boom near hush-hush-value');
      return {};
    });
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (message: string, fields?: Record<string, unknown>) => void errors.push(`${message} ${JSON.stringify(fields)}`) };
    const result = await deployStagings(passInput(snapshotOf({ bad: feature('1'), good: feature('1') }), new Map([['local', driver]]), { keyring, logger }));
    expect(result.stagings.get('good')?.phase).toBe('Running');
    const bad = result.stagings.get('bad')!;
    expect(bad).toMatchObject({ phase: 'Failure', errors: [{ code: 'internal-error' }] });
    expect(JSON.stringify(bad)).not.toContain('hush-hush-value');
    expect(errors.join('\n')).toContain('boom near');
    expect(errors.join('\n')).not.toContain('hush-hush-value');
  });

  it('works on at most `parallelism` stagings of a target at once, and a slow target never holds up another', async () => {
    let running = 0;
    let most = 0;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const local = Object.assign(fakeDriver(async () => {
      running++;
      most = Math.max(most, running);
      await held;
      running--;
      return {};
    }), { parallelism: 2 });
    const far = fakeDriver();
    const stagings = Object.fromEntries([...['l1', 'l2', 'l3', 'l4', 'l5'].map((n) => [n, feature('1')]), ['r1', 'kind: remote\ntag: "1"\n'], ['r2', 'kind: remote\ntag: "1"\n']]);
    const done = deployStagings(passInput(snapshotOf(stagings), new Map<string, StagingDriver>([['local', local], ['far', far]])));
    // Bounded wait: the other target's stagings go through while every slot of this one is held.
    const deadline = Date.now() + 10_000;
    while ((far.passes.length < 2 || local.passes.length < 2) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(far.passes.map((p) => p.deployment.staging.name).sort()).toEqual(['r1', 'r2']);
    expect(local.passes).toHaveLength(2);
    release();
    const result = await done;
    expect(most).toBe(2);
    expect(local.passes).toHaveLength(5);
    expect([...result.stagings.keys()]).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'r1', 'r2']);
  });

  it('works the stagings whose inputs changed first, then those on their way, and reports the unchanged ones without their driver', async () => {
    const order: string[] = [];
    const driver = Object.assign(fakeDriver(async (pass) => {
      order.push(pass.deployment.staging.name);
      return { phase: pass.deployment.staging.name === 'a' ? 'CreatePending' : 'Running' };
    }), { parallelism: 1, liveVersion: () => 1 });
    const input = passInput(snapshotOf({ a: feature('1'), b: feature('1'), d: feature('1') }), new Map([['local', driver]]));
    const first = await deployStagings(input);
    order.length = 0;
    // a is on its way with its inputs unchanged, b settled and unchanged, c new, d's tag changed; the template is the
    // same object, as the deployer's snapshot reader keeps what did not change.
    const next = snapshotOf({ a: feature('1'), b: feature('1'), c: feature('1'), d: feature('2') }, 'c2');
    const second = await deployStagings({ ...input, snapshot: { ...input.snapshot, commit: 'c2', stagings: next.stagings, files: next.files }, previous: first.stagings });
    expect(order).toEqual(['c', 'd', 'a']);
    expect([...second.stagings.values()].map((s) => [s.name, s.phase, s.commit])).toEqual([['a', 'CreatePending', 'c2'], ['b', 'Running', 'c2'], ['c', 'Running', 'c2'], ['d', 'Running', 'c2']]);
  });

  it('ranks a look asked for during a staging\'s first turn behind stagings not worked on yet', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const driver = Object.assign(fakeDriver(async (pass) => {
      order.push(pass.deployment.staging.name);
      if (order.length === 1) await held;
      return { phase: 'CreatePending' };
    }), { parallelism: 1, liveVersion: () => 1 });
    const lanes = new StagingLanes(() => {});
    const input = { ...passInput(snapshotOf({ a: feature('1'), b: feature('1') }), new Map([['local', driver]])), lanes };
    const superseded = new AbortController();
    const first = deployStagings({ ...input, superseded: superseded.signal });
    await until(() => order.length === 1);
    // A watch event in a's namespace while a's create is under way; then a newer pass takes over and finds c new.
    const look = deployStagings({ ...input, only: 'a', urgency: 'live' });
    superseded.abort();
    await first;
    const next = snapshotOf({ a: feature('1'), b: feature('1'), c: feature('1') }, 'c2');
    const second = deployStagings({ ...input, snapshot: { ...input.snapshot, commit: 'c2', stagings: next.stagings, files: next.files } });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await Promise.all([look, second]);
    expect(order).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports each staging as its turn ends and, once superseded, returns while a slow turn goes on to report later', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const driver = fakeDriver(async (pass) => {
      if (pass.deployment.staging.name === 'slow') await held;
      return {};
    });
    const lanes = new StagingLanes(() => {});
    const reported: string[] = [];
    const superseded = new AbortController();
    const pass = deployStagings({ ...passInput(snapshotOf({ quick: feature('1'), slow: feature('1') }), new Map([['local', driver]])), lanes, superseded: superseded.signal, onStatus: (s) => void reported.push(s.name) });
    await until(() => reported.includes('quick'));
    expect(lanes.busy('slow')).toBe(true);
    superseded.abort();
    const result = await pass;
    expect([...result.stagings.keys()]).toEqual(['quick']);
    release();
    await until(() => reported.includes('slow'));
    expect(lanes.busy('slow')).toBe(false);
  });

  it('keeps the phase of stagings on an unreachable target, says so, and waits out the backoff', async () => {
    let reachable = false;
    const driver = fakeDriver(async (pass) => {
      if (!reachable) throw new TargetUnreachableError({ target: 'local', cause: 'connection refused' });
      return { phase: pass.step.action === 'create' ? 'CreatePending' : 'Running' };
    });
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const backoff = new TargetBackoff({ initial: 60_000 }, () => 0.5);
    const snapshot = snapshotOf({ a: feature('1') });
    const input = passInput(snapshot, new Map([['local', driver]]), { clock, backoff });
    const first = await deployStagings(input);
    expect(first.unreachable).toHaveLength(1);
    expect(first.stagings.get('a')).toMatchObject({ phase: 'CreatePending', errors: [{ code: 'target-unreachable' }], reason: expect.stringContaining('connection refused') });
    reachable = true;
    const waiting = await deployStagings({ ...input, previous: first.stagings });
    expect(driver.passes).toHaveLength(1);
    expect(waiting.stagings.get('a')).toMatchObject({ phase: 'CreatePending', reason: expect.stringContaining('waiting to try again') });
    clock.advance(120_000);
    const back = await deployStagings({ ...input, previous: waiting.stagings });
    expect(back.stagings.get('a')).toMatchObject({ phase: 'CreatePending', errors: [] });
  });

  it('hands the driver the step, records it, and starts a new one only when the staging or its template changed', async () => {
    const phases: StagingStatus['phase'][] = ['CreatePending', 'Running', 'Running', 'UpdatePending', 'Running', 'ArchivePending', 'Archived', 'Running'];
    const driver = fakeDriver(async () => ({ phase: phases.shift()! }));
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const actions = new StagingActionStore({ logger: silentLogger });
    const input = passInput(snapshotOf({ a: feature('1') }), new Map([['local', driver]]), { clock, actions });
    let previous = new Map<string, StagingStatus>();
    const run = async (snapshot: SnapshotWithFiles) => {
      clock.advance(1000);
      previous = (await deployStagings({ ...input, snapshot, previous })).stagings;
    };
    await run(snapshotOf({ a: feature('1') }, 'c1'));
    await run(snapshotOf({ a: feature('1') }, 'c2'));
    await run(snapshotOf({ a: feature('1') }, 'c3'));
    await run(snapshotOf({ a: feature('2') }, 'c4'));
    await run(snapshotOf({ a: feature('2') }, 'c5'));
    await run(snapshotOf({ a: feature('2', 'state: archived\n') }, 'c6'));
    await run(snapshotOf({ a: feature('2', 'state: archived\n') }, 'c7'));
    await run(snapshotOf({ a: feature('2') }, 'c8'));
    expect(driver.passes.map((p) => p.step.action)).toEqual(['create', 'create', 'create', 'update', 'update', 'archive', 'archive', 'restore']);
    expect(actions.records('a')?.map((r) => [r.action, r.result, r.commit])).toEqual([
      ['create', 'succeeded', 'c1'], ['update', 'succeeded', 'c4'], ['archive', 'succeeded', 'c6'], ['restore', 'succeeded', 'c8'],
    ]);
    expect(previous.get('a')?.lastActionAt).toBe(new Date('2026-01-01T00:00:08Z').toISOString());
  });

  it('skips a settled staging whose inputs and live objects are as before, like an environment', async () => {
    let live = 1;
    const driver = Object.assign(fakeDriver(), { liveVersion: () => live });
    const snapshot = snapshotOf({ a: feature('1') });
    const input = passInput(snapshot, new Map([['local', driver]]));
    const first = await deployStagings(input);
    const second = await deployStagings({ ...input, snapshot: { ...snapshot, commit: 'c2' }, previous: first.stagings });
    expect(driver.passes).toHaveLength(1);
    expect(second.stagings.get('a')).toMatchObject({ phase: 'Running', commit: 'c2' });
    live = 2;
    await deployStagings({ ...input, previous: second.stagings });
    expect(driver.passes).toHaveLength(2);
  });

  it('looks at only the staging asked for, and forgets the records of stagings whose files are gone', async () => {
    const driver = fakeDriver();
    const actions = new StagingActionStore({ logger: silentLogger });
    const input = passInput(snapshotOf({ a: feature('1'), b: feature('1') }), new Map([['local', driver]]), { actions });
    const only = await deployStagings({ ...input, only: 'b' });
    expect([...only.stagings.keys()]).toEqual(['b']);
    await deployStagings(input);
    expect(actions.records('a')).toHaveLength(1);
    await deployStagings({ ...input, snapshot: snapshotOf({ b: feature('1') }) });
    expect(actions.records('a')).toBeUndefined();
    expect(actions.records('b')).toHaveLength(1);
  });
});
