import { describe, expect, it } from 'vitest';
import type { ResourceStatus } from '../status/deployer.ts';
import type { AggregatorStatus, ResourceView } from './status.ts';
import { appendPart, splitStatus } from './status-parts.ts';

const view = (name: string): ResourceView => ({ name, envs: { dev: { kind: 'template', version: '1', lockReasons: [], locked: false } }, versions: [] });
const report = (name: string): ResourceStatus => ({ name, state: 'Clean', errors: [] });
const names = ['a', 'b', 'c', 'd', 'e'];

/** Five resources; the deployer reports each in dev, plus one the repo no longer has. */
function status(): AggregatorStatus {
  return {
    commit: 'c1',
    environments: [{ name: 'dev', lockReasons: [] }],
    resources: names.map(view),
    transitions: [],
    problems: [],
    deployer: {
      state: 'ok',
      url: 'http://d',
      fetchedAt: 't',
      status: {
        environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: ['e', 'gone', 'a', 'c', 'b', 'd'].map(report) }],
        stagings: ['s1', 's2', 's3'].map((name) => ({ name, kind: 'feature', tag: '1', phase: 'Running' as const, links: [], resources: names.map(report), errors: [] })),
      },
    },
    transitioner: { state: 'unknown', url: 'http://t' },
    stagings: [],
  };
}

/** Reports of each environment in name order: their order carries no meaning. */
function byName(status: AggregatorStatus): AggregatorStatus {
  if (status.deployer.state !== 'ok') return status;
  const sorted = <T extends { name: string }>(list: T[]) => [...list].sort((x, y) => x.name.localeCompare(y.name));
  const environments = status.deployer.status.environments.map((env) => ({ ...env, resources: sorted(env.resources) }));
  const stagings = status.deployer.status.stagings && sorted(status.deployer.status.stagings);
  return { ...status, deployer: { ...status.deployer, status: { ...status.deployer.status, environments, stagings } } };
}

describe('splitStatus and appendPart', () => {
  it('sends the first resources with their reports at once and the rest in bounded parts, which append to the same status', () => {
    const whole = status();
    const { head, parts, rest } = splitStatus(whole, 2, 2);
    expect(head.resources.map((r) => r.name)).toEqual(['a', 'b']);
    // The head keeps the reports of its resources and of resources the repo no longer has.
    expect(head.deployer.state === 'ok' && head.deployer.status.environments[0]!.resources.map((r) => r.name)).toEqual(['gone', 'a', 'b']);
    expect(parts.map((part) => part.resources.map((r) => r.name))).toEqual([['c', 'd'], ['e']]);
    expect(parts.map((part) => part.reports.dev?.map((r) => r.name))).toEqual([['c', 'd'], ['e']]);
    // Staging reports hold resources of their own: they are spread over the parts, not left in the first event.
    expect(head.deployer.state === 'ok' && head.deployer.status.stagings).toEqual([]);
    expect(parts.map((part) => part.stagings?.map((s) => s.name))).toEqual([['s1', 's3'], ['s2']]);
    expect(rest).toEqual({ parts: 2, resources: 3 });
    expect(byName(parts.reduce(appendPart, head))).toEqual(byName(whole));
  });

  it('keeps a status that fits the first event whole', () => {
    const whole = status();
    expect(splitStatus(whole, 5, 2)).toEqual({ head: whole, parts: [] });
  });

  it('splits the resources alone while the deployer is unreachable', () => {
    const unreachable: AggregatorStatus = { ...status(), deployer: { state: 'unreachable', url: 'http://d', since: 't', message: 'refused' } };
    const { head, parts } = splitStatus(unreachable, 4, 10);
    expect(parts).toEqual([{ resources: [view('e')], reports: {} }]);
    expect(parts.reduce(appendPart, head)).toEqual(unreachable);
  });
});
