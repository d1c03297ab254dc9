import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';

const FILE = '/etc/cascade/cascade.yaml';
const REPO = 'repo: { url: ../remote.git }\n';

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(REPO + text, { file: FILE, env, home: '/home/ann' });
}

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parse(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.env ?? p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('election section', () => {
  it('is off without a namespace, and one shard is the default', () => {
    const config = parse('');
    expect(config.election).toBeUndefined();
    expect(config.deployer.shards).toBe(1);
  });

  it("has client-go's timing by default, a unique identity per process, and resolves the kubeconfig like other paths", () => {
    const config = parse('election: { namespace: cascade, kubeconfig: kube/config }\ndeployer: { shards: 3 }\n');
    expect(config.election).toMatchObject({ namespace: 'cascade', kubeconfig: '/etc/cascade/kube/config', inCluster: false, leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 });
    expect(config.election!.identity).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(parse('election: { namespace: cascade }\n').election!.identity).not.toBe(config.election!.identity);
    expect(config.deployer.shards).toBe(3);
  });

  it('is switched on from the environment alone, as a pod spec does it', () => {
    const config = parse('', { CASCADE_ELECTION_NAMESPACE: 'cascade-system', CASCADE_ELECTION_INCLUSTER: 'true', CASCADE_ELECTION_IDENTITY: 'cascade-deployer-7d9f-abcde' });
    expect(config.election).toMatchObject({ namespace: 'cascade-system', inCluster: true, identity: 'cascade-deployer-7d9f-abcde' });
  });

  it('refuses timing under which a leader could still act after another took over', () => {
    expect(problems('election: { namespace: c, leaseDuration: 10s, renewDeadline: 10s }\n')).toEqual([expect.stringContaining('election.renewDeadline: must be shorter than leaseDuration')]);
    expect(problems('election: { namespace: c, renewDeadline: 3s, retryPeriod: 2s }\n')).toEqual([expect.stringContaining('election.retryPeriod: must be at most half of renewDeadline')]);
  });

  it('names every other mistake with its key', () => {
    expect(problems('election: { leaseDuration: 20s }\n')).toEqual([expect.stringContaining('election.namespace: is required when election is configured')]);
    expect(problems('election: { namespace: Not_A_Namespace }\n')).toEqual([expect.stringContaining('election.namespace: must be a namespace name')]);
    expect(problems('election: { namespace: c, inCluster: true, context: x }\n')).toEqual([expect.stringContaining('election.inCluster: inCluster: true excludes kubeconfig and context')]);
    expect(problems('election: { namespace: c, leader: me }\n')).toEqual([expect.stringContaining('election.leader: unknown key')]);
    expect(problems('deployer: { shards: 2 }\n')).toEqual([expect.stringContaining('deployer.shards: needs election')]);
    expect(problems('election: { namespace: c }\ndeployer: { shards: 0 }\n')).toEqual([expect.stringContaining('deployer.shards: must be a whole number from 1 to 256')]);
    expect(problems('', { CASCADE_ELECTION_NAMSPACE: 'c' })).toEqual([expect.stringContaining('CASCADE_ELECTION_NAMSPACE')]);
  });
});
