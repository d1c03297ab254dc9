// The deployer service with script targets, configured by cascade.yaml: scripts run behind the passes, a bad version
// file fails only its resource, background work publishes its result, and a flood of /refresh stays cheap.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeployerStatus, EnvironmentStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { ManualClock } from '@cascade/common/service';
import { createFixture } from '@cascade/git-fixture';
import type { GitFixture } from '@cascade/git-fixture';
import { SCRIPT_ACTIONS } from '../scripts/state-machine.ts';
import { pidFrom, waitUntil, writeScript } from '../testing/scripts.ts';
import type { RunningDeployer } from './run.ts';
import { startDeployer } from './run.ts';

// Records every call; `create` of a resource with a file `block-<name>` waits for `go-<name>`; `check` passes once created.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"
echo "$a $*" >> "$d/calls"
n=; while [ $# -gt 0 ]; do [ "$1" = --name ] && n="$2"; shift; done
if [ "$a" = create ] && [ -f "$d/block-$n" ]; then
  echo $$ > "$d/pid-$n.tmp"; mv "$d/pid-$n.tmp" "$d/pid-$n"
  while [ ! -f "$d/go-$n" ]; do sleep 0.02; done
fi
case "$a" in
  create) touch "$d/exists-$n" ;;
  check) [ -f "$d/exists-$n" ] || exit 1 ;;
esac
exit 0`;

let dir: string | undefined;
let fixture: GitFixture | undefined;
let running: RunningDeployer | undefined;
afterEach(async () => {
  if (dir) for (const name of ['fine', 'slow']) await writeFile(join(dir, 'scripts', `go-${name}`), '').catch(() => {});
  await running?.stop();
  await fixture?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  running = fixture = dir = undefined;
});

/** A deployer whose environments `previews` and `qa` are on two script targets, with the given version files. */
async function start(files: Record<string, string>, blocked: string[] = []) {
  dir = await mkdtemp(join(tmpdir(), 'cascade-script-service-'));
  const scripts = join(dir, 'scripts');
  await mkdir(scripts);
  for (const action of SCRIPT_ACTIONS) await writeScript(scripts, action, BODY);
  for (const name of blocked) await writeFile(join(scripts, `block-${name}`), '');
  fixture = await createFixture({ commits: [{ name: 'one', files: {
    'deployers.yaml': 'deployers:\n  previews: { target: previews, namespace: previews }\n  qa: { target: qa, namespace: qa }\n',
    ...files,
  } }] });
  const text = `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1h }
dataDir: ${join(dir, 'data')}
targets:
  previews: { type: script, dir: ${scripts}, projectName: Shop, baseDomain: shop.example.com, timeout: 20s, parallelism: 2, checkInterval: 5m }
  qa: { type: script, dir: ${scripts}, projectName: Shop, baseDomain: shop.example.com, timeout: 20s }
deployer: { listen: 127.0.0.1:0, transitioner: http://127.0.0.1:9, aggregator: http://127.0.0.1:9 }
log: { level: error }
`;
  const config = parseConfig(text, { file: join(dir, 'cascade.yaml') });
  expect(config.targets.previews).toMatchObject({ parallelism: 2, checkInterval: 300_000, configArguments: 'file' });
  running = await startDeployer(config, { clock: new ManualClock() });
  return { deployer: running.deployer, scripts };
}

const envOf = (status: DeployerStatus, env: string): EnvironmentStatus | undefined => status.environments.find((e) => e.env === env);
const version = (tag: string) => `version: ${JSON.stringify(tag)}\n`;
async function checks(scripts: string): Promise<number> {
  return (await readFile(join(scripts, 'calls'), 'utf8').catch(() => '')).split('\n').filter((line) => line.startsWith('check ')).length;
}

describe('deployer with script targets', () => {
  it('fails only the resource whose tag cannot be an argument (E2BIG), and deploys the rest and the later environments', async () => {
    const { deployer } = await start({
      'previews/version/huge.yaml': version('v'.repeat(200_000)),
      'previews/version/fine.yaml': version('1.0'),
      'qa/version/app.yaml': version('2.0'),
    });
    // Background work publishes itself: no refresh from here on.
    await waitUntil(() => envOf(deployer.status(), 'qa')?.state === 'Clean' && envOf(deployer.status(), 'previews')?.resources.find((r) => r.name === 'fine')?.state === 'Clean', 'previews/fine and qa to be deployed');
    const status = deployer.status();
    expect(status.commit).toBe(fixture!.commits.one);
    expect(envOf(status, 'qa')).toMatchObject({ commit: fixture!.commits.one, state: 'Clean', resources: [{ name: 'app', scriptState: 'Running', liveVersion: '2.0' }] });
    const previews = envOf(status, 'previews')!;
    expect(previews).toMatchObject({ commit: fixture!.commits.one, state: 'Failed' });
    expect(previews.resources.find((r) => r.name === 'huge')).toMatchObject({
      state: 'Failed', errors: [{ code: 'invalid-script-argument', file: 'previews/version/huge.yaml', message: expect.stringMatching(/^version: /) }],
    });
    expect((await deployer.app.request('/readyz')).status).toBe(200);
  });

  it('reports a slow script as pending at once and publishes its result when it ends, without holding up other environments', async () => {
    const { deployer, scripts } = await start({ 'previews/version/slow.yaml': version('1.0'), 'qa/version/app.yaml': version('2.0') }, ['slow']);
    await pidFrom(join(scripts, 'pid-slow'));
    const during = await deployer.refresh();
    expect(envOf(during, 'previews')).toMatchObject({ state: 'Outdated', resources: [{ name: 'slow', scriptState: 'CreatePending' }] });
    await waitUntil(() => envOf(deployer.status(), 'qa')?.state === 'Clean', 'qa to be deployed while previews/slow runs');

    await writeFile(join(scripts, 'go-slow'), '');
    await waitUntil(() => envOf(deployer.status(), 'previews')?.state === 'Clean', 'the end of create to be published without a refresh');
  });

  it('coalesces a flood of POST /refresh into at most two passes, and runs no check for them', async () => {
    const { deployer, scripts } = await start({ 'previews/version/fine.yaml': version('1.0'), 'qa/version/app.yaml': version('2.0') });
    await waitUntil(() => deployer.status().environments.every((e) => e.state === 'Clean') && deployer.status().environments.length === 2, 'both environments to be deployed');
    const passes = async () => Number(/^cascade_deployer_loop_duration_seconds_count (\d+)$/m.exec(await (await deployer.app.request('/metrics')).text())?.[1]);
    const passesBefore = await passes();
    const checksBefore = await checks(scripts);
    // Waiting callers are answered only after the pass that answers them, so every pass the flood caused is counted below.
    const answers = await Promise.all(Array.from({ length: 100 }, () => deployer.app.request('/refresh?wait=true', { method: 'POST' })));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // One pass in flight and one queued answer every request made meanwhile.
    expect((await passes()) - passesBefore).toBeLessThanOrEqual(2);
    expect((await checks(scripts)) - checksBefore).toBe(0);
  });
});
