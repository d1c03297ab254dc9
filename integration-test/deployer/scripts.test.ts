// Script targets next to a Kubernetes target on the real cluster: a slow control script never holds up a Kubernetes
// environment, and `cascade deploy --once` waits for the scripts it started.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployerStatus, EnvironmentStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { deployOnce, startDeployer } from '@cascade/deployer';
import type { RunningDeployer } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { GitFixture } from '@cascade/git-fixture';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SCRIPT_ACTIONS } from '@cascade/deployer';
import { pidFrom, waitUntil, writeScript } from '@cascade/deployer/testing';
import { useTestNamespace } from '../setup/namespace.ts';

const ns = useTestNamespace({ prefix: 'dsc' });
let dir: string | undefined;
let fixture: GitFixture | undefined;
let running: RunningDeployer | undefined;
afterEach(async () => {
  if (dir) await writeFile(join(dir, 'scripts', 'go'), '').catch(() => {});
  await running?.stop();
  await fixture?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  running = fixture = dir = undefined;
});

// `create` writes its pid and waits for a file `go`; `check` passes once `create` ran.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"
if [ "$a" = create ]; then
  echo $$ > "$d/pid.tmp"; mv "$d/pid.tmp" "$d/pid"
  while [ ! -f "$d/go" ]; do sleep 0.02; done
  touch "$d/exists"
fi
[ "$a" = check ] && [ ! -f "$d/exists" ] && exit 1
exit 0`;

async function setUp() {
  const env = ns.namespace;
  dir = await mkdtemp(join(tmpdir(), 'cascade-deployer-scripts-'));
  const scripts = join(dir, 'scripts');
  await mkdir(scripts);
  for (const action of SCRIPT_ACTIONS) await writeScript(scripts, action, BODY);
  fixture = await createFixture({ commits: [{ name: 'one', files: {
    // previews comes first: before, its scripts ran inside the pass and every later environment waited for them.
    'deployers.yaml': `deployers:\n  previews: { target: previews, namespace: previews }\n  ${env}: { target: local, namespace: ${ns.namespace}, prune: true }\n`,
    'previews/version/feature-x.yaml': 'version: "1.0"\nconfig: { DB_PASSWORD: hunter2 }\n',
    [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: a }\n',
  } }] });
  const text = `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1h }
dataDir: ${join(dir, 'data')}
targets:
  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }
  previews: { type: script, dir: ${scripts}, projectName: Shop, baseDomain: shop.example.com, timeout: 2m }
deployer: { listen: 127.0.0.1:0, transitioner: http://127.0.0.1:9, aggregator: http://127.0.0.1:9 }
log: { level: error }
`;
  return { env, scripts, config: parseConfig(text, { file: join(dir, 'cascade.yaml') }) };
}

const envOf = (status: DeployerStatus, env: string): EnvironmentStatus | undefined => status.environments.find((e) => e.env === env);

describe('deployer with a script target and a Kubernetes target', () => {
  it('deploys the Kubernetes environment while a control script of another environment is still running', async () => {
    const { env, scripts, config } = await setUp();
    running = await startDeployer(config);
    await pidFrom(join(scripts, 'pid'));
    const status = await running.deployer.refresh();
    expect(envOf(status, env)).toMatchObject({ state: 'Clean', commit: fixture!.commits.one });
    expect(envOf(status, 'previews')).toMatchObject({ state: 'Outdated', resources: [{ name: 'feature-x', scriptState: 'CreatePending' }] });

    await writeFile(join(scripts, 'go'), '');
    await waitUntil(() => envOf(running!.deployer.status(), 'previews')?.state === 'Clean', 'the end of create to be published', 30_000);
  });

  it('waits for the scripts it started in cascade deploy --once', async () => {
    const { scripts, config } = await setUp();
    await writeFile(join(scripts, 'go'), '');
    const result = await deployOnce(config, 'previews');
    expect(result).toMatchObject({ clean: true, status: { state: 'Clean', resources: [{ name: 'feature-x', scriptState: 'Running', liveVersion: '1.0' }] } });
  });
});
