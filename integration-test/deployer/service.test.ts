// The deployer as a service and as CLI one-shots, configured by cascade.yaml, against the real cluster.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployerStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { deployOnce, diff, startDeployer } from '@cascade/deployer';
import type { RunningDeployer } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { GitFixture } from '@cascade/git-fixture';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { deployersYaml, serviceConfigText } from './harness.ts';

const ns = useTestNamespace({ prefix: 'dsv' });
let dir: string | undefined;
let fixture: GitFixture | undefined;
let running: RunningDeployer | undefined;
afterEach(async () => {
  await running?.stop();
  await fixture?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  running = fixture = dir = undefined;
});

const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: ${value} }\n`;

async function setUp() {
  const env = ns.namespace;
  dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-service-'));
  fixture = await createFixture({ commits: [
    { name: 'one', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: cm('a') } },
    { name: 'two', files: { [`${env}/deployable/settings.yaml`]: cm('b') } },
  ], head: 'one' });
  const file = join(dir, 'cascade.yaml');
  const text = serviceConfigText(fixture, inject('kubeconfig'), 'error');
  await writeFile(file, text);
  return { env, config: parseConfig(text, { file }) };
}

describe('deployer service', () => {
  it('serves /status and deploys a new commit on POST /refresh', async () => {
    const { env, config } = await setUp();
    running = await startDeployer(config);
    // `?wait=true`: the answer comes after the pass, so the status read next shows what it deployed.
    const refresh = () => fetch(`${running!.url}/refresh?wait=true`, { method: 'POST', headers: { authorization: 'Bearer ci-secret' } });
    expect((await refresh()).status).toBe(200);
    let status = (await (await fetch(`${running.url}/status`)).json()) as DeployerStatus;
    expect(status).toMatchObject({ commit: fixture!.commits.one, environments: [{ env, state: 'Clean', commit: fixture!.commits.one }] });

    await fixture!.setRef(fixture!.branch, 'two');
    await refresh();
    status = (await (await fetch(`${running.url}/status`)).json()) as DeployerStatus;
    expect(status.environments[0]).toMatchObject({ commit: fixture!.commits.two, state: 'Clean' });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain(`cascade_deployer_applies_total{env="${env}",reason="change"} 1`);
  });

  it('diffs with a server-side dry run and deploys once for the CLI', async () => {
    const { env, config } = await setUp();
    const before = await diff(config, env);
    expect(before.entries).toEqual([{ action: 'create', resource: 'settings', object: `ConfigMap ${ns.namespace}/settings` }]);
    expect(await deployOnce(config, env)).toMatchObject({ clean: true, status: { state: 'Clean' } });

    await fixture!.setRef(fixture!.branch, 'two');
    const after = await diff(config, env);
    expect(after.entries).toEqual([{ action: 'change', resource: 'settings', object: `ConfigMap ${ns.namespace}/settings`, changes: expect.arrayContaining(['data.mode']) }]);
    await expect(diff(config, 'nowhere')).rejects.toMatchObject({ code: 'unknown-env' });
  });
});
