// Push rounds of the scale benchmark: push a version, follow it to the dev object, to dev rolled out and to pp,
// and split the way to dev into the steps that can be told apart from outside the services.
import type { PushVersionResponse } from '@cascade/common/api';
import { imageOf } from '../e2e/ci.ts';
import { waitUntil } from '../setup/wait.ts';
import { objectName } from './scale-repo.ts';
import type { StackEndpoints } from './scale-stack.ts';
import { applyRequestLabels, backgroundWork, backgroundWorkDelta, histogramDelta, histogramTotal, type BackgroundWork, type HistogramTotal } from './scale-metrics.ts';
import type { ClusterWatch, RemoteWatch } from './scale-watch.ts';

/** What one push round measured, in milliseconds; NaN where a step was not seen. */
export interface PushRound {
  resource: string;
  /** Push sent → acknowledged: the aggregator's write, commit on the remote included. */
  write: number;
  /** Acknowledged → the transitioner's dev commit on the remote. */
  transition: number;
  /** Dev commit on the remote → the new image in the dev Deployment: notification, fetch, render, plan, apply. */
  deploy: number;
  /** Acknowledged → the new image in the dev Deployment. */
  toDev: number;
  /** Dev Deployment rolled out → the new image in the pp Deployment. */
  devToPp: number;
  /** The API server's time per Deployment apply in this round (mean), and how many there were. */
  apply: HistogramTotal;
  /** Deployer passes finished in this round, and their summed seconds. */
  passes: HistogramTotal;
  /** Full reconciles and watch lists of the deployer in this round: work no push asked for. */
  background: BackgroundWork;
  /** The deployer's steps in this round (fetch, read, render, plan, apply, report, refresh): how many and their summed seconds. */
  steps: Record<string, HistogramTotal>;
}

/** Everything a round needs. */
export interface RoundContext {
  stack: StackEndpoints;
  cluster: ClusterWatch;
  remote: RemoteWatch;
  namespaces: { dev: string; pp: string };
  /** Reads the API server's /metrics. */
  apiServerMetrics(): Promise<string>;
  /** Longest wait for any one step. */
  stepTimeoutMs: number;
}

/** One round: push `version` of `resource`, wait until pp has rolled it out, and say what each step took. */
export async function pushRound(ctx: RoundContext, resource: string, version: string): Promise<PushRound> {
  const name = objectName(resource);
  const image = imageOf(resource, version);
  const apiBefore = histogramTotal(await ctx.apiServerMetrics(), 'apiserver_request_duration_seconds', applyRequestLabels('deployments'));
  const deployerBefore = await ctx.stack.metrics('deployer');
  const passesBefore = histogramTotal(deployerBefore, 'cascade_deployer_loop_duration_seconds');
  const sent = performance.now();
  const answer = await push(ctx.stack, resource, version, image);
  const acknowledged = performance.now();
  if (answer.commit === undefined) throw new Error(`push of ${resource} ${version} answered without a commit`);
  const until = (what: string, check: () => number | undefined) =>
    waitUntil(`${what} (${resource} ${version})`, async () => check(), { timeoutMs: ctx.stepTimeoutMs, intervalMs: 5 });
  const inDev = await until('new image in the dev Deployment', () => ctx.cluster.imageSeen(ctx.namespaces.dev, name, image));
  const devRolledOut = await until('dev rolled out', () => ctx.cluster.rolledOut(ctx.namespaces.dev, name, image));
  const inPp = await until('new image in the pp Deployment', () => ctx.cluster.imageSeen(ctx.namespaces.pp, name, image));
  // The next push starts from a settled pipeline, as pushes minutes apart would.
  await until('pp rolled out', () => ctx.cluster.rolledOut(ctx.namespaces.pp, name, image));
  const devCommit = ctx.remote.firstWith(acknowledged - 50, `dev/version/${resource}.yaml`, new RegExp(`${version.replaceAll('.', '\\.')}\\b`));
  const apiAfter = histogramTotal(await ctx.apiServerMetrics(), 'apiserver_request_duration_seconds', applyRequestLabels('deployments'));
  const deployerAfter = await ctx.stack.metrics('deployer');
  const passesAfter = histogramTotal(deployerAfter, 'cascade_deployer_loop_duration_seconds');
  return {
    resource,
    write: acknowledged - sent,
    transition: devCommit ? devCommit.at - acknowledged : NaN,
    deploy: devCommit ? inDev - devCommit.at : NaN,
    toDev: inDev - acknowledged,
    devToPp: inPp - devRolledOut,
    apply: histogramDelta(apiBefore, apiAfter),
    passes: histogramDelta(passesBefore, passesAfter),
    background: backgroundWorkDelta(backgroundWork(deployerBefore), backgroundWork(deployerAfter)),
    steps: Object.fromEntries(PASS_STEPS.map((step) => [step, histogramDelta(stepTotal(deployerBefore, step), stepTotal(deployerAfter, step))])),
  };
}

/** The steps of a deployer pass its metrics time apart, in the order a pass takes them. */
export const PASS_STEPS = ['fetch', 'read', 'render', 'plan', 'apply', 'report', 'refresh'] as const;

function stepTotal(metrics: string, step: string): HistogramTotal {
  return histogramTotal(metrics, 'cascade_deployer_pass_step_seconds', [`step="${step}"`]);
}

/** One `POST /api/v1/versions` as CI sends it; a refusal ends the benchmark with the aggregator's answer. */
async function push(stack: StackEndpoints, resource: string, version: string, image: string): Promise<PushVersionResponse> {
  const response = await fetch(`${stack.urls.aggregator}/api/v1/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.tokens.ci}`, 'content-type': 'application/json' },
    body: JSON.stringify({ resource, version, fields: { image }, changelog: `Release ${version} of ${resource}` }),
    signal: AbortSignal.timeout(120_000),
  });
  const body = await response.text();
  if (response.status !== 201 && response.status !== 200) throw new Error(`push ${resource} ${version} refused: ${response.status} ${body}`);
  return JSON.parse(body) as PushVersionResponse;
}
