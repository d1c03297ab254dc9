// `npm start`: the whole of Cascade on this machine — a cluster, a playground resource repo, the three
// services and the dashboard — until Ctrl-C, which stops everything it started.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cascade/common/config';
import { createLogger } from '@cascade/common/service';
import { startAll, stopAll, untilSignal } from '@cascade/cli/services';
import { chooseCluster } from './kube.ts';
import { examplePush, nextPatch } from './next-version.ts';
import { preparePlayground } from './setup.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const step = (text: string) => console.error(`\n▶ ${text}`);
const log = (text: string) => console.error(`  ${text}`);

/** Newest modification time below a folder, to tell whether a build is stale. */
function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

/** Builds the dashboard when ui/dist is missing or older than its sources. */
function buildUi(): void {
  const dist = join(root, 'ui', 'dist', 'index.html');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest(join(root, 'ui', 'src'))) return log('dashboard already built');
  log('building the dashboard (vite build) …');
  const result = spawnSync('npm', ['run', 'ui:build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('the dashboard build failed; see above');
}

/** The version of shop/cart in latest on the playground's remote, or undefined when it cannot be read. */
function latestCartVersion(remote: string): string | undefined {
  const shown = spawnSync('git', ['--git-dir', remote, 'show', 'main:latest/version/shop/cart.yaml'], { encoding: 'utf8' });
  return shown.status === 0 ? /^version:\s*"?([^"\n]+)"?/m.exec(shown.stdout)?.[1] : undefined;
}

const playgroundDir = resolve(process.env['CASCADE_PLAYGROUND_DIR'] ?? join(root, '.playground'));

step('Kubernetes');
const cluster = await chooseCluster(log, process.env['CASCADE_PLAYGROUND_LOCAL_CLUSTER'] === '1');
log(`deploying to ${cluster.description}`);
let services: Awaited<ReturnType<typeof startAll>> = [];
try {
  step('Playground resource repo');
  const playground = await preparePlayground(playgroundDir, join(root, 'examples', 'shop'), cluster, log);
  step('Dashboard');
  buildUi();
  step('Services (deployer, transitioner, aggregator)');
  const config = await loadConfig(playground.configFile);
  services = await startAll(config, createLogger({ level: 'warn', format: 'text' }));
  for (const service of services) log(`${service.name.padEnd(12)} ${service.url}`);
  const ui = services.find((s) => s.name === 'aggregator')?.url ?? 'http://127.0.0.1:7400';
  const { tokens } = playground;
  // A reused playground may already have the suggested version: suggest the next patch of what latest has.
  const next = nextPatch(latestCartVersion(playground.remote) ?? '1.4.2');
  console.log(`
Cascade is running.

  Dashboard      ${ui}
  Viewer token   ${tokens.viewer}
  Operator token ${tokens.operator}
  (ci and admin tokens: ${join(playground.dir, 'tokens.json')})

  Resource repo  ${playground.remote}   (clone it and push commits like a person would)
  Namespaces     cascade-shop-dev, cascade-shop-pp, cascade-shop-prod

Publish a new version of the cart service, as CI would:

${examplePush(ui, tokens.ci, next).replace(/^/gm, '  ')}

Watch it reach latest, then dev, then pp once dev is rolled out; prod follows in its weekday 06:00 window.
Press Ctrl-C to stop everything.`);
  console.error(`\n${await untilSignal()}: stopping`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`\nerror: ${message}`);
  if (/EADDRINUSE/.test(message)) console.error('hint: another program (perhaps another npm start) listens on 7400-7402; stop it and run npm start again.');
  process.exitCode = 1;
} finally {
  await stopAll(services);
  await cluster.stop();
  console.error('stopped');
}
