// Dashboard budgets in headless Chromium against a real aggregator: JS shipped (gzipped), time until the matrix of
// 1,000 resources × 4 environments is usable, scrolling frame times, and how soon a pushed version shows in an open page.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FixtureSpec } from '@cascade/git-fixture';
import type { DeployerStatus } from '@cascade/common';
import { PEER_POLL_MS } from '@cascade/aggregator';
import { startDashboard } from '../ui/support/dashboard.ts';
import { UI_DIST, ensureUiBuilt } from '../ui/support/ui-build.ts';

const RESOURCES = 1000;
const ENVS = ['latest', 'dev', 'pp', 'prod'];
const LOADS = 5;
const PUSHES = 5;

/** 1,000 template resources in 20 folders, each env a little behind the previous one. */
function bigRepo(): FixtureSpec {
  const files: Record<string, string> = {
    'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n  prod: { source: pp, target: prod, preconditions: [SourceClean], schedule: "0 6 * * 1-5", timezone: Europe/Berlin }\n',
    'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  pp: { target: local, namespace: pp }\n  prod: { target: local, namespace: prod }\n',
  };
  for (let i = 0; i < RESOURCES; i++) {
    const name = resourceName(i);
    ENVS.forEach((env, envIndex) => {
      files[`${env}/base/${name}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: r${i} }\ndata: { version: "\${version}" }\n`;
      const patch = i % 7 === 0 ? Math.max(0, 3 - envIndex) : 0; // every 7th resource is mid-promotion
      files[`${env}/version/${name}.yaml`] = `version: "1.${i % 10}.${patch}"\n`;
    });
  }
  return { commits: [{ name: 'big', message: 'A thousand resources', files }] };
}

function resourceName(i: number): string {
  return `team-${String(i % 20).padStart(2, '0')}/service-${String(i).padStart(4, '0')}`;
}

/** The deployer's report for the big repo: all clean but a few rolling out and failing. */
function bigDeployerStatus(): DeployerStatus {
  return {
    environments: ENVS.slice(1).map((env) => ({
      env,
      target: 'local',
      state: 'InProgress',
      resources: Array.from({ length: RESOURCES }, (_, i) => ({
        name: resourceName(i),
        state: i % 50 === 0 ? 'Failed' : i % 11 === 0 ? 'InProgress' : 'Clean',
        errors: [],
      })),
    })),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;

await ensureUiBuilt();
const assets = join(UI_DIST, 'assets');
const js = readdirSync(assets).filter((file) => file.endsWith('.js'));
const css = readdirSync(assets).filter((file) => file.endsWith('.css'));
const gz = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file)), { level: 9 }).length, 0);
console.log(`JS shipped: ${(gz(js) / 1024).toFixed(1)} KB gzipped (${js.length} file); CSS ${(gz(css) / 1024).toFixed(1)} KB gzipped`);

const deployer = bigDeployerStatus();
// The aggregator's default peer poll: each poll currently sends the whole deployer status as a delta.
const dashboard = await startDashboard({ fixture: bigRepo(), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) }, peerPollMs: PEER_POLL_MS });
try {
  // Usable: the first matrix with rows is in the DOM and painted (`cascade:matrix-ready`), measured from navigation start.
  const ready: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await dashboard.open({ role: 'viewer' });
    await page.waitForFunction(() => performance.getEntriesByName('cascade:matrix-ready').length > 0, undefined, { timeout: 30_000 });
    ready.push(await page.evaluate(() => performance.getEntriesByName('cascade:matrix-ready')[0]!.startTime));
    await page.context().close();
  }
  console.log(`matrix usable after load (${RESOURCES} × ${ENVS.length}): median ${ms(median(ready))}, max ${ms(Math.max(...ready))} over ${LOADS} loads`);

  // Scrolling: move the matrix 60 px per animation frame for 300 frames, and time the frames.
  const page = await dashboard.open({ role: 'viewer' });
  await page.waitForFunction(() => performance.getEntriesByName('cascade:matrix-ready').length > 0);
  // Page code as strings: this project type-checks without the DOM library, and tsx would wrap named functions.
  const frames = await page.evaluate<{ times: number[]; rowsInDom: number }>(`(async () => {
    const scroller = document.querySelector('[role="table"]');
    const times = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      scroller.scrollTop += 60;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return { times, rowsInDom: document.querySelectorAll('[role="row"]').length };
  })()`);
  console.log(
    `scrolling: frame p50 ${ms(median(frames.times))}, p95 ${ms(percentile(frames.times, 0.95))}, max ${ms(Math.max(...frames.times))}; ` +
      `frames over 50 ms: ${frames.times.filter((t) => t > 50).length}/300; rows in the DOM: ${frames.rowsInDom}`,
  );

  // A push shows: time from the API's acknowledgement to the new version's text in the open page.
  const target = resourceName(0);
  const latencies: number[] = [];
  const inPage: number[] = [];
  await page.evaluate(`document.querySelector('[role="table"]').scrollTop = 0`);
  for (let i = 0; i < PUSHES; i++) {
    const version = `9.9.${i}`;
    const seen = page.evaluate<{ shown: number; received: number }>(`new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-resource="${target}"] a[data-env="latest"]')?.textContent?.includes('${version}')) {
          observer.disconnect();
          const marks = performance.getEntriesByName('cascade:status');
          resolve({ shown: Date.now(), received: performance.timeOrigin + marks[marks.length - 1].startTime });
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    })`);
    const response = await dashboard.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: target, version } });
    const acknowledged = Date.now();
    if (response.status !== 201) throw new Error(`push answered ${response.status}: ${await response.text()}`);
    const { shown, received } = await seen;
    latencies.push(shown - acknowledged);
    inPage.push(shown - received);
  }
  console.log(
    `push → shown in the open page: median ${ms(median(latencies))}, max ${ms(Math.max(...latencies))} over ${PUSHES} pushes ` +
      `(of which in the page, from the event's arrival: median ${ms(median(inPage))})`,
  );
} finally {
  await dashboard.cleanup();
}
