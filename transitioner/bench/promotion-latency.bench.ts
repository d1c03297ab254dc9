// Latency from "dev is Clean" to the pp promotion commit being on the remote: with the deployer's notification
// (`POST /refresh`) and with polling only. The deployer's status is served by a small real HTTP server the
// benchmark controls (it is the input); the transitioner runs as the real service from a config file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@cascade/common/config';
import { openRepo } from '@cascade/common/git';
import { silentLogger } from '@cascade/common/service';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { startStatusServer, statusOf, type StatusServer } from '../src/testing/status-server.ts';
import { startTransitioner } from '../src/service/run.ts';
import { readRemoteHead, waitFor } from './remote-wait.ts';

const SPEC = {
  commits: [
    {
      name: 'base',
      files: {
        'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp, preconditions: [SourceClean] }\n',
        'latest/version/shop/cart.yaml': 'version: "0"\n',
        'dev/version/shop/cart.yaml': 'version: "0"\n',
        'pp/version/shop/cart.yaml': 'version: "0"\n',
      },
    },
  ],
};

/** The remote's branch head. */
const remoteHead = (fx: GitFixture) => readRemoteHead(fx.remote, fx.branch);

/** Runs `rounds` promotions and returns the latencies in ms from "dev Clean" to the pp commit on the remote. */
async function measure(mode: 'notification' | 'polling', rounds: number, pollInterval: string, intervalMs: number): Promise<number[]> {
  const fx = await createFixture(SPEC);
  const deployer: StatusServer = await startStatusServer(statusOf(fx.commits.base ?? '', { dev: 'Clean', pp: 'Clean' }));
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-transitioner-'));
  const config = join(dir, 'cascade.yaml');
  await writeFile(config, `repo: { url: ${fx.remote}, branch: ${fx.branch}, pollInterval: ${pollInterval} }\ntransitioner: { listen: 127.0.0.1:0, deployer: ${deployer.url} }\n`);
  const ci = await openRepo({ url: fx.remote, branch: fx.branch, dir: join(dir, 'ci.git') });
  const service = await startTransitioner(await loadConfig(config), { logger: silentLogger });
  const notify = () => fetch(`${service.url}/refresh`, { method: 'POST' }).then((r) => r.body?.cancel());
  const latencies: number[] = [];
  try {
    for (let i = 1; i <= rounds; i++) {
      // CI publishes version i to latest; the transitioner mirrors it to dev (pp stays blocked: dev changed).
      const published = await ci.write(() => ({ changes: { 'latest/version/shop/cart.yaml': `version: "${i}"\n` }, message: `Version shop/cart ${i}` }));
      if (mode === 'notification') await notify();
      const devCommit = await waitFor(async () => {
        const head = await remoteHead(fx);
        return head !== published.commit ? head : undefined;
      });
      // A rollout ends at no particular moment of the poll cycle: wait a random part of the interval first.
      if (mode === 'polling') await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
      // The deployer finishes rolling dev out: from here the clock runs.
      const started = performance.now();
      deployer.set(statusOf(devCommit, { dev: 'Clean', pp: 'Clean' }));
      if (mode === 'notification') await notify();
      await waitFor(async () => ((await remoteHead(fx)) !== devCommit ? true : undefined));
      latencies.push(performance.now() - started);
    }
  } finally {
    await service.stop();
    await ci.close();
    await deployer.close();
    await fx.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const report = (label: string, values: number[]) =>
  console.log(`${label.padEnd(34)} n=${String(values.length).padStart(3)}  p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms  max ${Math.max(...values).toFixed(1).padStart(7)} ms`);

report('notification (POST /refresh)', await measure('notification', 40, '60s', 60_000));
report('polling only, pollInterval 1s', await measure('polling', 30, '1s', 1000));
report('polling only, pollInterval 5s', await measure('polling', 12, '5s', 5000));
