// A pass under shards: an environment whose shard this replica no longer holds is neither deployed nor logged as
// deployed, so the deploy log shows only the work each replica really did.
import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus } from '@cascade/common';
import { parseSnapshot, repoFilesFromText } from '@cascade/common';
import type { Fence } from '@cascade/common/election';
import { captureLogger, ManualClock } from '@cascade/common/service';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import { deployEnvironments } from './pass.ts';

const snapshot = parseSnapshot(repoFilesFromText('c1', {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  pp: { target: local, namespace: pp }\n',
  'dev/deployable/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
  'pp/deployable/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
}));

/** A target that reports Clean and remembers which environments it deployed. */
function recordingTarget(): Target & { deployed: string[] } {
  const deployed: string[] = [];
  return {
    name: 'local',
    deployed,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      deployed.push(pass.env);
      return { env: pass.env, target: 'local', commit: pass.commit, state: 'Clean', resources: [] };
    },
  };
}

describe('a pass under shards', () => {
  it('deploys and logs only the environments whose fence holds, keeping the last status of the others', async () => {
    const target = recordingTarget();
    const { logger, lines } = captureLogger();
    const fences: Record<string, Fence> = { dev: { name: 'shard 0', ok: () => true }, pp: { name: 'shard 1', ok: () => false } };
    const kept: EnvironmentStatus = { env: 'pp', target: 'local', commit: 'c0', state: 'Clean', resources: [] };
    const result = await deployEnvironments({
      snapshot, cache: new Map(), targets: new Map([['local', target]]), previous: new Map([['pp', kept]]),
      clock: new ManualClock(new Date('2026-01-01T00:00:00Z')), logger,
      // Both are owned when the pass begins; pp's shard is handed over before its turn.
      sharding: { owns: () => true, fenceFor: (env) => fences[env]! },
    });
    expect(target.deployed).toEqual(['dev']);
    expect(result.environments.get('pp')).toBe(kept);
    const logged = lines.filter((line) => String(line.msg).startsWith('environment deploy')).map((line) => `${String(line.msg)} ${String(line.env)}`);
    expect(logged).toEqual(['environment deploy started dev', 'environment deploy ended dev']);
  });
});
