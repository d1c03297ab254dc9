// The base files of templates in a pass: parsed once for every environment made from them, and kept apart from the
// long-lived parse cache, which would otherwise hold one per resource for good.
import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus } from '@cascade/common';
import { parseSnapshot, repoFilesFromText } from '@cascade/common';
import { ManualClock, silentLogger } from '@cascade/common/service';
import type { EnvironmentPass, Target } from '../targets/target.ts';
import { deployEnvironments } from './pass.ts';

const base = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { version: $version }\n';
const snapshot = parseSnapshot(repoFilesFromText('c1', {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  pp: { target: local, namespace: pp }\n',
  'dev/base/app.yaml': base,
  'dev/version/app.yaml': 'version: "2.0"\n',
  'pp/base/app.yaml': base,
  'pp/version/app.yaml': 'version: "1.0"\n',
}));

/** A target that keeps what each environment rendered. */
function recordingTarget(): Target & { rendered: Map<string, EnvironmentPass['rendered']> } {
  const rendered = new Map<string, EnvironmentPass['rendered']>();
  return {
    name: 'local',
    rendered,
    async deploy(pass: EnvironmentPass): Promise<EnvironmentStatus> {
      rendered.set(pass.env, pass.rendered);
      return { env: pass.env, target: 'local', commit: pass.commit, state: 'Clean', resources: [] };
    },
  };
}

describe('template bases in a pass', () => {
  it('are parsed once for the environments that share them, into the pass\'s map rather than the cache', async () => {
    const target = recordingTarget();
    const cache = new Map<string, unknown>();
    const bases = new Map<string, unknown>();
    await deployEnvironments({ snapshot, cache, bases, targets: new Map([['local', target]]), previous: new Map(), clock: new ManualClock(new Date('2026-01-01T00:00:00Z')), logger: silentLogger });
    expect(target.rendered.get('dev')).toMatchObject([{ ok: true, manifests: [{ data: { version: '2.0' } }] }]);
    expect(target.rendered.get('pp')).toMatchObject([{ ok: true, manifests: [{ data: { version: '1.0' } }] }]);
    expect(bases.size).toBe(1);
    // The parsed base is the pass's alone: the cache kept for good has no part in it.
    expect([...cache.values()].some((value) => [...bases.values()].includes(value))).toBe(false);
  });
});
