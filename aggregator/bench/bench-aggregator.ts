// Starting an aggregator on a generated bench repo for the benchmarks: one ci token, peers absent, no UI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@cascade/common/config';
import { generateToken, hashToken, silentLogger } from '@cascade/common/service';
import { startAggregator, type RunningAggregator } from '../src/service.ts';

/** A running aggregator and the ci token to call it with. */
export interface BenchAggregator {
  aggregator: RunningAggregator;
  token: string;
  stop(): Promise<void>;
}

/** Starts an aggregator following `remote` with a ci token. */
export async function startBenchAggregator(remote: string): Promise<BenchAggregator> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cascade-bench-aggregator-'));
  const token = generateToken();
  const config = parseConfig(
    `repo: { url: ${JSON.stringify(remote)}, pollInterval: 1h }\ndataDir: ${JSON.stringify(dataDir)}\naggregator:\n  listen: 127.0.0.1:0\n  deployer: http://127.0.0.1:9\n  transitioner: http://127.0.0.1:9\n  tokens: [ { name: bench-ci, role: ci, sha256: ${hashToken(token)} } ]\n`,
    { file: join(dataDir, 'cascade.yaml'), env: {} },
  );
  const aggregator = await startAggregator(config, { logger: silentLogger, uiDir: join(dataDir, 'no-ui'), peerPollMs: 3_600_000 });
  return {
    aggregator,
    token,
    stop: async () => {
      await aggregator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The p-th percentile (0–100) of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
