// Stagings on a script target with real control scripts: each lifecycle step of the staging file runs the contract's
// scripts in order, secrets reach them only through the private config file, records survive a restart, and one
// staging's slow script never holds up another's.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StagingStatus } from '@cascade/common';
import { deriveStagings, parseSnapshot, repoFilesFromText } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import { ManualClock, silentLogger } from '@cascade/common/service';
import type { ScriptStagingDriver, Target } from '@cascade/deployer';
import type { RunningDeployer } from '@cascade/deployer';
import { buildTargets, SCRIPT_ACTIONS, ScriptLogStore, scriptStagingDriver, startDeployer } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { GitFixture } from '@cascade/git-fixture';
import { waitUntil, writeScript } from '@cascade/deployer/testing';
import { afterEach, describe, expect, it } from 'vitest';

type StagingPass = Parameters<ScriptStagingDriver['deploy']>[0];

const SECRET = 'sk_live_51HxTopSecret';
const MINUTE = 60_000;

// Every script appends its argv as one line to `calls` and `history` (one write each, so parallel scripts do not interleave), its
// environment to `env-<action>-<name>` and its config file to `config-<action>-<name>.json`. A file
// `block-<action>-<name>` makes it wait for `go-<action>-<name>`; `fail-<action>` makes it exit 1.
const BODY = `d="$(dirname "$0")"; a="$(basename "$0")"
n=; cfg=; prev=; line="$a"
for x in "$@"; do
  [ "$prev" = --name ] && n="$x"
  [ "$prev" = --config-file ] && cfg="$x"
  prev="$x"; line="$line $x"
done
echo "$line" >> "$d/calls"
echo "$line" >> "$d/history"
env > "$d/env-$a-$n"
[ -n "$cfg" ] && cp "$cfg" "$d/config-$a-$n.json"
if [ -f "$d/block-$a-$n" ]; then
  touch "$d/started-$a-$n"
  while [ ! -f "$d/go-$a-$n" ]; do sleep 0.02; done
fi
[ -f "$d/fail-$a" ] && exit 1
[ "$a" = info ] && echo "web,https://web.$n.shop.example.com"
[ "$a" = create ] && touch "$d/created-$n"
exit 0`;

let root: string | undefined;
let fixture: GitFixture | undefined;
let running: RunningDeployer | undefined;
const targets: Target[] = [];
afterEach(async () => {
  if (root) for (const file of await readdir(join(root, 'scripts'))) if (file.startsWith('block-')) await writeFile(join(root, 'scripts', `go-${file.slice(6)}`), '');
  for (const target of targets.splice(0)) await target.close?.();
  await running?.stop();
  await fixture?.cleanup();
  if (root) await rm(root, { recursive: true, force: true });
  root = fixture = running = undefined;
});

async function setUp(repo = '../remote.git') {
  root = await mkdtemp(join(tmpdir(), 'cascade-script-stagings-'));
  const scripts = join(root, 'scripts');
  await mkdir(scripts);
  for (const action of SCRIPT_ACTIONS) await writeScript(scripts, action, BODY);
  const config = parseConfig(`repo: { url: ${repo}, branch: main, pollInterval: 1h }
dataDir: ${join(root, 'data')}
targets:
  scripts: { type: script, dir: ${scripts}, projectName: Shop, baseDomain: target.example.com, timeout: 1m, checkInterval: 1m, parallelism: 4 }
deployer: { listen: 127.0.0.1:0, transitioner: http://127.0.0.1:9, aggregator: http://127.0.0.1:9 }
log: { level: error }
`, { file: join(root, 'cascade.yaml') });
  const clock = new ManualClock('2026-03-01T12:00:00Z');
  /** A deployer's script target and its staging driver, as a (re)started deployer builds them. */
  const start = (): ScriptStagingDriver => {
    const target = buildTargets(config, { clock, logger: silentLogger, logs: new ScriptLogStore() }).get('scripts')!;
    targets.push(target);
    return scriptStagingDriver(target, { dataDir: config.dataDir })!;
  };
  return { scripts, clock, dataDir: config.dataDir, config, start };
}

// The script driver decides from its own records; the pass's step only has to be one of the right kind.
const STEP = { active: 'update', archived: 'archive', cleanup: 'cleanup' } as const;
const KINDS = 'stagings:\n  feature: { template: dev, target: scripts, namespace: "shop-{name}", baseDomain: shop.example.com }\n';

/** The pass the deployer hands the driver for staging files `stagings` at `commit`, with the decrypted `secrets.app`. */
function passes(commit: string, stagings: Record<string, string>, secrets: Record<string, string> = {}) {
  const files: Record<string, string> = { 'deployers.yaml': 'deployers:\n  dev: { target: scripts }\n', 'dev/version/app.yaml': 'version: "1"\n', 'stagings.yaml': KINDS };
  for (const [name, text] of Object.entries(stagings)) files[`stagings/${name}.yaml`] = text;
  const { deployments } = deriveStagings(parseSnapshot(repoFilesFromText(commit, files)));
  return [...deployments.values()].map((deployment): StagingPass => {
    const { state } = deployment.staging;
    // As the deployer's pass hands them over: a staging marked for cleanup gets nothing decrypted, only an active one links.
    return {
      deployment, commit, step: { action: STEP[state], startedAt: '2026-03-01T12:00:00.000Z' }, resources: [], rendered: [], pruneHold: [],
      appSecrets: state === 'cleanup' ? {} : secrets,
      links: state === 'active' ? deployment.links.map((url) => ({ name: url.slice('https://'.length), url })) : [],
    };
  });
}

/** Deploys every staging, waits for the scripts that started, and reports the statuses they left. */
async function converge(driver: ScriptStagingDriver, commit: string, stagings: Record<string, string>, secrets: Record<string, string> = {}): Promise<StagingStatus[]> {
  for (const pass of passes(commit, stagings, secrets)) await driver.deploy(pass);
  await driver.settle();
  return Promise.all(passes(commit, stagings, secrets).map((pass) => driver.deploy(pass)));
}

/** The calls since the last look, as action and arguments, `--config-file PATH` shortened to `--config-file`. */
async function takeCalls(scripts: string, options: { all?: boolean } = {}): Promise<string[][]> {
  const text = await readFile(join(scripts, 'calls'), 'utf8').catch(() => '');
  await writeFile(join(scripts, 'calls'), '');
  const calls = text.split('\n').filter((line) => line !== '').map((line) => line.split(' ').map((word) => (word.startsWith('/') && word.endsWith('/config.json') ? '<file>' : word)));
  return options.all ? calls : calls.filter(([action]) => action !== 'notifications');
}

const stagingFile = (tag: string, state = 'active', flags = 'new-checkout') => `kind: feature\ntag: ${tag}\noverrides:\n  app: { FEATURE_FLAGS: ${flags} }\n  deployment: { replicas: 1 }\nstate: ${state}\n`;
const tagOf = (call: string[]) => call[call.indexOf('--tag') + 1];
const nameOf = (call: string[]) => call[call.indexOf('--name') + 1];
const ARGS = (tag: string, name = 'feature-x') => ['--project-name', 'Shop', '--base-domain', 'shop.example.com', '--namespace', `shop-${name}`, '--name', name, '--tag', tag, '--config-file', '<file>'];

describe('stagings on a script target', () => {
  it('runs create, update, archive, restore and cleanup in order, with secrets only in the config file', async () => {
    const { scripts, clock, dataDir, start } = await setUp();
    const driver = start();
    const secrets = { STRIPE_KEY: SECRET };

    const [created] = await converge(driver, 'c1', { 'feature-x': stagingFile('1f3e9a2') }, secrets);
    expect((await takeCalls(scripts)).map(([a, ...args]) => [a, args])).toEqual([['config_check', ARGS('1f3e9a2')], ['create', ARGS('1f3e9a2')], ['info', ARGS('1f3e9a2')]]);
    expect(created).toMatchObject({ phase: 'Running', tag: '1f3e9a2', namespace: 'shop-feature-x', commit: 'c1', links: [{ url: 'https://feature-x.shop.example.com' }, { url: 'https://web.feature-x.shop.example.com' }] });
    expect(JSON.parse(await readFile(join(scripts, 'config-create-feature-x.json'), 'utf8'))).toMatchObject({
      name: 'feature-x', tag: '1f3e9a2', applicationConfig: { FEATURE_FLAGS: 'new-checkout', STRIPE_KEY: SECRET }, deploymentConfig: { replicas: '1' },
    });

    // A pass with nothing changed runs nothing, not even check, until the check interval has passed.
    await converge(driver, 'c1', { 'feature-x': stagingFile('1f3e9a2') }, secrets);
    expect(await takeCalls(scripts)).toEqual([]);
    await clock.advance(MINUTE);
    await converge(driver, 'c1', { 'feature-x': stagingFile('1f3e9a2') }, secrets);
    expect(await takeCalls(scripts)).toEqual([['check', ...ARGS('1f3e9a2')]]);

    const [updated] = await converge(driver, 'c2', { 'feature-x': stagingFile('2b4c6d8') }, secrets);
    expect((await takeCalls(scripts)).map(([a]) => a)).toEqual(['config_check', 'update', 'info']);
    expect(updated).toMatchObject({ phase: 'Running', tag: '2b4c6d8', commit: 'c2', resources: [{ liveVersion: '2b4c6d8' }] });
    // A changed secret alone is a change of settings too.
    await converge(driver, 'c3', { 'feature-x': stagingFile('2b4c6d8') }, { STRIPE_KEY: `${SECRET}-rotated` });
    expect((await takeCalls(scripts)).map(([a]) => a)).toEqual(['config_check', 'update', 'info']);

    const [archived] = await converge(driver, 'c4', { 'feature-x': stagingFile('2b4c6d8', 'archived') }, secrets);
    expect(await takeCalls(scripts)).toEqual([['archive', ...ARGS('2b4c6d8')], ['archive_check', ...ARGS('2b4c6d8')]]);
    expect(archived).toMatchObject({ phase: 'Archived' });

    // Restored, then updated, since its settings changed while it was archived.
    const [restored] = await converge(driver, 'c5', { 'feature-x': stagingFile('3c5e7f9') }, secrets);
    expect((await takeCalls(scripts)).map((call) => `${call[0]} ${tagOf(call)}`)).toEqual(['unarchive 3c5e7f9', 'info 3c5e7f9', 'config_check 3c5e7f9', 'update 3c5e7f9', 'info 3c5e7f9']);
    expect(restored).toMatchObject({ phase: 'Running', tag: '3c5e7f9' });

    const [cleaned] = await converge(driver, 'c6', { 'feature-x': stagingFile('3c5e7f9', 'cleanup') }, secrets);
    expect(await takeCalls(scripts, { all: true })).toEqual([
      ['notifications', ...ARGS('3c5e7f9'), '--state', 'CleanupPending', '--previous-state', 'Running'],
      ['cleanup', ...ARGS('3c5e7f9')],
      ['notifications', ...ARGS('3c5e7f9'), '--state', 'CleanedUp', '--previous-state', 'CleanupPending'],
    ]);
    expect(cleaned).toMatchObject({ phase: 'CleanedUp' });
    // The file stays until the transitioner removes it: nothing runs for it meanwhile.
    await converge(driver, 'c6', { 'feature-x': stagingFile('3c5e7f9', 'cleanup') }, secrets);
    expect(await takeCalls(scripts)).toEqual([]);

    // Secrets went through the config file only: not in any argv, not in the scripts' environment, not in the record.
    const texts = [await readFile(join(scripts, 'history'), 'utf8')];
    for (const file of await readdir(scripts)) if (file.startsWith('env-')) texts.push(await readFile(join(scripts, file), 'utf8'));
    texts.push(await readFile(join(dataDir, 'script-stagings', 'scripts', 'feature-x.json'), 'utf8'));
    for (const text of texts) expect(text).not.toContain(SECRET);
    expect(texts.length).toBeGreaterThan(5);
  });

  it('neither creates a running staging again nor forgets a failure after a restart', async () => {
    const { scripts, clock, start } = await setUp();
    const stagings = { 'feature-x': stagingFile('1f3e9a2'), 'feature-y': stagingFile('1f3e9a2') };
    await writeFile(join(scripts, 'fail-create'), '');
    await converge(start(), 'c1', { 'feature-y': stagingFile('1f3e9a2') });
    await rm(join(scripts, 'fail-create'));
    await converge(start(), 'c1', { 'feature-x': stagingFile('1f3e9a2') });
    await takeCalls(scripts);

    const restarted = start();
    const statuses = await converge(restarted, 'c1', stagings);
    expect(await takeCalls(scripts)).toEqual([]);
    expect(statuses.map((s) => [s.name, s.phase])).toEqual([['feature-x', 'Running'], ['feature-y', 'Failure']]);
    expect(statuses[0]!.links).toContainEqual({ name: 'web', url: 'https://web.feature-x.shop.example.com' });
    // The health check keeps its pace across the restart, and a change of the failed file tries again.
    await clock.advance(MINUTE);
    await converge(restarted, 'c2', { ...stagings, 'feature-y': stagingFile('1f3e9a3') });
    expect((await takeCalls(scripts)).map((call) => `${call[0]} ${nameOf(call)}`).sort()).toEqual(['check feature-x', 'config_check feature-y', 'create feature-y', 'info feature-y']);
  });

  it('still cleans up and archives after a restart over an empty data dir', async () => {
    const { scripts, dataDir, start } = await setUp();
    await converge(start(), 'c1', { 'feature-x': stagingFile('1f3e9a2') });
    await rm(dataDir, { recursive: true, force: true });
    await takeCalls(scripts);

    const statuses = await converge(start(), 'c2', { 'feature-x': stagingFile('1f3e9a2', 'cleanup'), 'feature-y': stagingFile('1f3e9a2', 'archived') });
    expect((await takeCalls(scripts)).map((call) => `${call[0]} ${nameOf(call)}`).sort()).toEqual(['archive feature-y', 'archive_check feature-y', 'cleanup feature-x']);
    expect(statuses.map((s) => [s.name, s.phase])).toEqual([['feature-x', 'CleanedUp'], ['feature-y', 'Archived']]);
  });

  it('updates one staging while the create of another is still running', async () => {
    const { scripts, start } = await setUp();
    const driver = start();
    await converge(driver, 'c1', { 'feature-y': stagingFile('1f3e9a2') });
    await writeFile(join(scripts, 'block-create-feature-x'), '');

    const [slow] = passes('c2', { 'feature-x': stagingFile('1f3e9a2') });
    expect(await driver.deploy(slow!)).toMatchObject({ phase: 'CreatePending' });
    await waitUntil(() => existsSync(join(scripts, 'started-create-feature-x')), 'the slow create to start');
    for (const pass of passes('c2', { 'feature-y': stagingFile('2b4c6d8') })) await driver.deploy(pass);
    await waitUntil(async () => (await readFile(join(scripts, 'calls'), 'utf8')).includes('info --project-name Shop --base-domain shop.example.com --namespace shop-feature-y --name feature-y --tag 2b4c6d8'), 'the update of feature-y');
    expect(existsSync(join(scripts, 'created-feature-x'))).toBe(false);
    expect((await driver.deploy(slow!)).phase).toBe('CreatePending');

    await writeFile(join(scripts, 'go-create-feature-x'), '');
    const statuses = await converge(driver, 'c2', { 'feature-x': stagingFile('1f3e9a2'), 'feature-y': stagingFile('2b4c6d8') });
    expect(statuses.map((s) => [s.name, s.phase, s.tag])).toEqual([['feature-x', 'Running', '1f3e9a2'], ['feature-y', 'Running', '2b4c6d8']]);
  });

  it('creates a staging committed while the deployer was down, and only once over restarts of the service', async () => {
    const files = { 'deployers.yaml': 'deployers: {}\n', 'dev/version/app.yaml': 'version: "1"\n', 'stagings.yaml': KINDS };
    fixture = await createFixture({ commits: [
      { name: 'one', files: { ...files, 'stagings/feature-x.yaml': stagingFile('1f3e9a2') } },
      { name: 'two', parent: 'one', files: { ...files, 'stagings/feature-x.yaml': stagingFile('1f3e9a2', 'archived') } },
    ] });
    await fixture.setRef('main', 'one');
    const { scripts, config } = await setUp(fixture.remote);
    const phase = () => running!.deployer.status().stagings?.find((s) => s.name === 'feature-x')?.phase;

    running = await startDeployer(config);
    await waitUntil(() => phase() === 'Running', 'the staging to run', 30_000);
    expect((await takeCalls(scripts)).map(([a]) => a)).toEqual(['config_check', 'create', 'info']);
    await running.stop();

    running = await startDeployer(config);
    await running.deployer.refresh();
    expect(phase()).toBe('Running');
    await running.deployer.refresh();
    expect(await takeCalls(scripts)).toEqual([]);

    await fixture.setRef('main', 'two');
    await running.deployer.refresh();
    await waitUntil(() => phase() === 'Archived', 'the staging to be archived', 30_000);
    expect((await takeCalls(scripts)).map(([a]) => a)).toEqual(['archive', 'archive_check']);
  });
});
