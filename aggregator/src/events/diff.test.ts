// Deltas are as small as what changed: one pushed resource is one upsert, one rollout is one deployer report.
import { describe, expect, it } from 'vitest';
import type { DeployerStatus, ResourceStatus } from '@cascade/common';
import type { AggregatorStatus, PeerStatus, ResourceView } from '@cascade/common/api';
import { applyDelta } from '@cascade/common/api';
import { createPrng } from '@cascade/common/testing';
import { diffStatus } from './diff.ts';

const ENVS = ['latest', 'dev', 'pp', 'prod'];
const SIZE = 10_000;
const nameOf = (i: number) => `team-${i % 20}/service-${String(i).padStart(5, '0')}`;

const view = (name: string, version = '1.0.0'): ResourceView => ({
  name,
  envs: Object.fromEntries(ENVS.map((env) => [env, { kind: 'template' as const, version, lockReasons: [], locked: false }])),
  versions: [{ version, presentIn: ENVS }],
});
const report = (name: string, state: ResourceStatus['state'] = 'Clean'): ResourceStatus => ({ name, state, version: '1.0.0', errors: [] });

function deployer(reports: (env: string) => ResourceStatus[], fetchedAt = 't0'): PeerStatus<DeployerStatus> {
  return { state: 'ok', url: 'http://d', fetchedAt, status: { commit: 'c1', environments: ENVS.slice(1).map((env) => ({ env, target: 'local', state: 'Clean', resources: reports(env) })) } };
}

/** 10,000 resources × 4 environments, every one reported by the deployer. */
function big(): AggregatorStatus {
  const names = Array.from({ length: SIZE }, (_, i) => nameOf(i)).sort();
  return {
    commit: 'c1',
    environments: ENVS.map((name) => ({ name, lockReasons: [] })),
    resources: names.map((name) => view(name)),
    transitions: [],
    problems: [],
    deployer: deployer(() => names.map((name) => report(name))),
    transitioner: { state: 'unknown', url: 'http://t' },
    stagings: [],
  };
}

/** `status` with the deployer's report of `name` in `env` replaced, every other report a fresh but equal object (a new poll). */
function withReport(status: AggregatorStatus, env: string, next: ResourceStatus, fetchedAt: string): AggregatorStatus {
  if (status.deployer.state !== 'ok') throw new Error('expected a deployer report');
  const environments = status.deployer.status.environments;
  const fresh = deployer((e) => environments.find((x) => x.env === e)!.resources.map((r) => (e === env && r.name === next.name ? next : { ...r, errors: [] })), fetchedAt);
  return { ...status, deployer: fresh };
}

describe('diffStatus at 10,000 resources × 4 environments', () => {
  it('sends a pushed version as one upserted resource', () => {
    const before = big();
    const target = before.resources[17]!.name;
    const after = { ...before, commit: 'c2', resources: before.resources.map((r) => (r.name === target ? view(target, '2.0.0') : r)) };
    const delta = diffStatus(before, after);
    expect(delta).toEqual({ commit: 'c2', resources: { upsert: [view(target, '2.0.0')], remove: [] } });
    expect(applyDelta(before, delta!)).toEqual(after);
  });

  it("sends a rollout as the one report that changed, not the deployer's whole report", () => {
    const before = big();
    const target = before.resources[4_242]!.name;
    const after = withReport(before, 'pp', report(target, 'InProgress'), 't1');
    const delta = diffStatus(before, after)!;
    expect(delta.deployer).toBeUndefined();
    const environments = delta.deployerPatch?.environments ?? [];
    expect(environments.map((env) => ('reports' in env ? env.reports : 'whole'))).toEqual([
      { upsert: [], remove: [] },
      { upsert: [report(target, 'InProgress')], remove: [] },
      { upsert: [], remove: [] },
    ]);
    expect(applyDelta(before, delta)).toEqual(after);
  });

  it('sends nothing for a poll that found the same report again', () => {
    const before = big();
    expect(diffStatus(before, withReport(before, 'dev', report(before.resources[0]!.name), 't0'))).toBeNull();
  });
});

describe('diffStatus of the deployer entry', () => {
  const small = (reports: ResourceStatus[], fetchedAt = 't0'): AggregatorStatus => ({ ...big(), resources: [], deployer: deployer(() => reports, fetchedAt) });

  it('patches reports that come and go, and sends an environment whole when the deployer reordered it', () => {
    const before = small([report('a'), report('b'), report('c')]);
    const gone = small([report('a'), report('c'), report('d')], 't1');
    const delta = diffStatus(before, gone)!;
    expect(delta.deployerPatch?.environments[0]).toMatchObject({ env: 'dev', reports: { upsert: [report('d')], remove: ['b'] } });
    expect(applyDelta(before, delta)).toEqual(gone);

    const reordered = small([report('c'), report('a'), report('b')], 't2');
    const whole = diffStatus(before, reordered)!;
    expect(whole.deployerPatch?.environments[0]).toMatchObject({ env: 'dev', resources: [report('c'), report('a'), report('b')] });
    expect(applyDelta(before, whole)).toEqual(reordered);
  });

  it('replaces the entry when the deployer becomes unreachable or reports other environments', () => {
    const before = small([report('a')]);
    const unreachable: AggregatorStatus = { ...before, deployer: { state: 'unreachable', url: 'http://d', since: 't1', message: 'refused' } };
    expect(diffStatus(before, unreachable)).toEqual({ commit: 'c1', deployer: unreachable.deployer });
    const fewer: AggregatorStatus = { ...before, deployer: { state: 'ok', url: 'http://d', fetchedAt: 't1', status: { environments: [] } } };
    expect(diffStatus(before, fewer)?.deployer).toEqual(fewer.deployer);
    expect(applyDelta(before, diffStatus(before, fewer)!)).toEqual(fewer);
  });
});

describe('diffStatus over random resource lists', () => {
  it('gives a delta that brings a client from the last list to the new one, sending only rows that differ', () => {
    const prng = createPrng(21);
    const base: AggregatorStatus = { ...big(), resources: [] };
    let before: AggregatorStatus = { ...base, resources: Array.from({ length: 30 }, (_, i) => view(nameOf(i))).sort((a, b) => (a.name < b.name ? -1 : 1)) };
    for (let step = 0; step < 400; step++) {
      let resources = before.resources.slice();
      const kind = prng.int(6);
      // Mostly rows replaced in place (a commit to a few resources); sometimes equal copies, removals, and a resource replacing another.
      for (let i = 0, n = 1 + prng.int(3); i < n && resources.length > 0; i++) {
        const at = prng.int(resources.length);
        if (kind < 3) resources[at] = view(resources[at]!.name, `${step}.${i}`);
        else if (kind === 3) resources[at] = { ...resources[at]! };
        else if (kind === 4) resources.splice(at, 1);
        else resources.splice(at, 1, view(nameOf(100 + step * 3 + i)));
      }
      resources = resources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const after = { ...before, resources };
      const delta = diffStatus(before, after);
      expect(applyDelta(before, delta ?? { commit: after.commit }).resources, `step ${step}`).toEqual(after.resources);
      const differing = after.resources.filter((r) => !before.resources.some((old) => old.name === r.name && JSON.stringify(old) === JSON.stringify(r)));
      expect((delta?.resources?.upsert ?? []).map((r) => r.name).sort(), `step ${step}`).toEqual(differing.map((r) => r.name).sort());
      before = after;
    }
  });
});

