// Dashboard budgets in headless Chromium against a real aggregator: JS shipped (gzipped), the bytes of the initial
// status and of a push's delta, time until the matrix of N resources × 4 environments is usable (and complete),
// scrolling frame times, and how soon a pushed version shows in an open page. N is 1,000 and 10,000 unless
// UI_DASHBOARD_SIZES says otherwise (e.g. `UI_DASHBOARD_SIZES=1000`).
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PEER_POLL_MS } from '@cascade/aggregator';
import { bigDeployerStatus, bigRepo, bigResourceName, BIG_ENVS } from '../ui/support/big-repo.ts';
import { startDashboard, type Dashboard } from '../ui/support/dashboard.ts';
import { readEventStream } from '../ui/support/event-stream.ts';
import { UI_DIST, ensureUiBuilt } from '../ui/support/ui-build.ts';

const SIZES = (process.env.UI_DASHBOARD_SIZES ?? '1000,10000').split(',').map(Number);
const LOADS = 5;
const PUSHES = 5;
/** What the page asks for at 1280 × 800: a screenful of 44 px rows and 24 more (AppState). */
const FIRST = Math.ceil(800 / 44) + 24;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');

await ensureUiBuilt();
const assets = join(UI_DIST, 'assets');
const js = readdirSync(assets).filter((file) => file.endsWith('.js'));
const css = readdirSync(assets).filter((file) => file.endsWith('.css'));
const gz = (files: string[]) => files.reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file)), { level: 9 }).length, 0);
console.log(`JS shipped: ${(gz(js) / 1024).toFixed(1)} KB gzipped (${js.length} file); CSS ${(gz(css) / 1024).toFixed(1)} KB gzipped`);

for (const size of SIZES) await benchmark(size);

async function benchmark(resources: number): Promise<void> {
  console.log(`\n${resources} resources × ${BIG_ENVS.length} environments; load average ${load()} at start`);
  const deployer = bigDeployerStatus(resources);
  const started = Date.now();
  // The aggregator's default peer poll; the deployer stand-in answers the same report every time.
  const dashboard = await startDashboard({ fixture: bigRepo(resources), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) }, peerPollMs: PEER_POLL_MS });
  console.log(`aggregator ready (fixture written, repo read): ${ms(Date.now() - started)}`);
  try {
    await waitForDeployer(dashboard);
    await payloads(dashboard);
    await loads(dashboard, resources);
    await scrolling(dashboard);
    await pushes(dashboard);
  } finally {
    await dashboard.cleanup();
  }
  console.log(`load average ${load()} at end`);
}

/** Bounded wait for the aggregator's first poll of the deployer stand-in. */
async function waitForDeployer(dashboard: Dashboard): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const answer = await dashboard.call('GET', '/api/v1/status', { role: 'viewer' });
    if (((await answer.json()) as { deployer: { state: string } }).deployer.state === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the aggregator never polled the deployer stand-in');
}

/** Bytes of `GET /status`, of a snapshot in one event, and of the snapshot in parts as the page asks for it. */
async function payloads(dashboard: Dashboard): Promise<void> {
  const status = await (await dashboard.call('GET', '/api/v1/status', { role: 'viewer' })).text();
  const whole = readEventStream(dashboard.url, dashboard.tokens.viewer);
  const single = await whole.waitFor(() => true);
  whole.close();
  const parted = readEventStream(dashboard.url, dashboard.tokens.viewer, `?first=${FIRST}`);
  await parted.waitFor((event) => event.id !== undefined);
  parted.close();
  const sizes = parted.events.map((event) => event.bytes);
  console.log(
    `initial status: GET /status ${kb(Buffer.byteLength(status))}; one snapshot event ${kb(single.bytes)}; ` +
      `in parts (?first=${FIRST}): first event ${kb(sizes[0]!)}, ${sizes.length - 1} parts, largest ${kb(Math.max(...sizes.slice(1), 0))}, total ${kb(sizes.reduce((a, b) => a + b, 0))}`,
  );
}

/** Usable: the first matrix with rows is in the DOM and painted (`cascade:matrix-ready`); complete: every part is in. */
async function loads(dashboard: Dashboard, resources: number): Promise<void> {
  const ready: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await dashboard.open({ role: 'viewer' });
    await page.waitForFunction(() => performance.getEntriesByName('cascade:matrix-complete').length > 0, undefined, { timeout: 120_000 });
    ready.push(await page.evaluate(() => performance.getEntriesByName('cascade:matrix-ready')[0]!.startTime));
    complete.push(await page.evaluate(() => performance.getEntriesByName('cascade:matrix-complete')[0]!.startTime));
    await page.context().close();
  }
  console.log(`matrix usable after navigation (${resources} × ${BIG_ENVS.length}): median ${ms(median(ready))}, max ${ms(Math.max(...ready))} over ${LOADS} loads`);
  console.log(`every row in (last part applied and painted): median ${ms(median(complete))}, max ${ms(Math.max(...complete))}`);
}

/** Scrolling: move the matrix 60 px per animation frame for 300 frames, and time the frames in the page. */
async function scrolling(dashboard: Dashboard): Promise<void> {
  const page = await dashboard.open({ role: 'viewer' });
  await page.waitForFunction(() => performance.getEntriesByName('cascade:matrix-complete').length > 0, undefined, { timeout: 120_000 });
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
      `frames over 50 ms: ${frames.times.filter((t) => t > 50).length}/300, over 100 ms: ${frames.times.filter((t) => t > 100).length}/300; rows in the DOM: ${frames.rowsInDom}`,
  );
  await page.context().close();
}

/** A push shows: from the API's acknowledgement to the new version's text in an open page; and the delta's bytes. */
async function pushes(dashboard: Dashboard): Promise<void> {
  const page = await dashboard.open({ role: 'viewer' });
  await page.waitForFunction(() => performance.getEntriesByName('cascade:matrix-complete').length > 0, undefined, { timeout: 120_000 });
  const stream = readEventStream(dashboard.url, dashboard.tokens.viewer, '?first=1');
  await stream.waitFor((event) => event.id !== undefined);
  const target = bigResourceName(0);
  const latencies: number[] = [];
  const inPage: number[] = [];
  const deltaBytes: number[] = [];
  try {
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
      const { commit } = (await response.json()) as { commit: string };
      const { shown, received } = await seen;
      latencies.push(shown - acknowledged);
      inPage.push(shown - received);
      deltaBytes.push((await stream.waitFor((event) => event.event.type === 'delta' && event.event.delta.commit === commit)).bytes);
    }
  } finally {
    stream.close();
  }
  console.log(
    `push → shown in the open page: median ${ms(median(latencies))}, max ${ms(Math.max(...latencies))} over ${PUSHES} pushes ` +
      `(of which in the page, from the event's arrival: median ${ms(median(inPage))}); delta event: median ${kb(median(deltaBytes))}`,
  );
  await page.context().close();
}
