// A large resource repo for the dashboard at scale: N template resources in 20 folders × latest, dev, pp and prod,
// every 7th resource mid-promotion, and the deployer's report of it (a few rolling out, a few failed).
import type { DeployerStatus } from '@cascade/common';
import type { FixtureSpec } from '@cascade/git-fixture';

/** The pipeline's environments, in order. */
export const BIG_ENVS = ['latest', 'dev', 'pp', 'prod'];

/** The name of resource `i`: `team-07/service-0007`, 20 folders, zero-padded so name order is number order within a folder. */
export function bigResourceName(i: number): string {
  return `team-${String(i % 20).padStart(2, '0')}/service-${String(i).padStart(5, '0')}`;
}

/** `resources` ConfigMap templates × 4 environments in one commit; each environment a little behind the previous one. */
export function bigRepo(resources: number): FixtureSpec {
  const files: Record<string, string> = {
    'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n  prod: { source: pp, target: prod, preconditions: [SourceClean], schedule: "0 6 * * 1-5", timezone: Europe/Berlin }\n',
    'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  pp: { target: local, namespace: pp }\n  prod: { target: local, namespace: prod }\n',
  };
  for (let i = 0; i < resources; i++) {
    const name = bigResourceName(i);
    BIG_ENVS.forEach((env, envIndex) => {
      files[`${env}/base/${name}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: r${i} }\ndata: { version: "\${version}" }\n`;
      const patch = i % 7 === 0 ? Math.max(0, 3 - envIndex) : 0; // every 7th resource is mid-promotion
      files[`${env}/version/${name}.yaml`] = `version: "1.${i % 10}.${patch}"\n`;
    });
  }
  return { commits: [{ name: 'big', message: `${resources} resources`, files }] };
}

/** The deployer's report of the big repo: every resource of dev, pp and prod, all clean but a few rolling out and failing. */
export function bigDeployerStatus(resources: number): DeployerStatus {
  return {
    environments: BIG_ENVS.slice(1).map((env) => ({
      env,
      target: 'local',
      state: 'InProgress',
      resources: Array.from({ length: resources }, (_, i) => ({
        name: bigResourceName(i),
        state: i % 50 === 0 ? 'Failed' : i % 11 === 0 ? 'InProgress' : 'Clean',
        errors: [],
      })),
    })),
  };
}
