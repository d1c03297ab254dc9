// The scale benchmark's last step: the same repo and cluster served by `cascade up`, the three services in one
// process as a small installation runs them, so the memory goal (all three together) is measured as it is stated.
// The objects are already applied; this step times the start, and samples memory a minute after Clean and after a
// few pushes.
import { memoryWithHelper, treeCpuSeconds, type Memory } from './process-sample.ts';
import { heapGauges, type HeapGauges } from './scale-metrics.ts';
import { pushRound, type PushRound, type RoundContext } from './scale-pushes.ts';
import { startOneProcessStack, type ScaleStackOptions } from './scale-stack.ts';

/** How long `cascade up` runs with nothing to do before its memory is read. */
const QUIET_BEFORE_SAMPLE_MS = 60_000;

/** What `cascade up` measured; absent fields were not reached (see `failure` of the run). */
export interface OneProcessResult {
  /** The node options it ran with beyond the usual ones (a V8 memory setting being compared); empty: none. */
  nodeArgs: readonly string[];
  /** Started → all three answer /readyz (a first full pass over objects already applied). */
  readyMs?: number;
  /** Started → the deployer reports every environment Clean. */
  cleanMs?: number;
  memoryConverged?: Memory;
  /** CPU seconds a minute of the process and its children over the quiet minute before `memoryConverged`. */
  quietCpuPerMinute?: number;
  rounds: PushRound[];
  memoryAfterPushes?: Memory;
  heapAfterPushes?: HeapGauges;
}

/** What the step needs beyond the stack's options: the run's watches and the resources it may push. */
export interface OneProcessContext extends Omit<RoundContext, 'stack'> {
  stackOptions: ScaleStackOptions;
  /** Resources whose Deployments run a pod (a push must roll out), and the version prefix that makes each push new. */
  pushes: Array<{ resource: string; version: string }>;
  /** Resolves once the deployer at this URL reports every environment Clean. */
  everyEnvironmentClean(deployerUrl: string): Promise<unknown>;
  /** Ms until the deployer's status stayed the same for a while; undefined when it did not. */
  settled(deployerUrl: string): Promise<number | undefined>;
  step(line: string): void;
  /** Records a stretch of `cascade up`'s run (monotonic µs) for cutting its CPU profile; none when not profiled. */
  window?(name: 'up-start' | 'up-quiet' | 'up-pushes', from: number, to: number): Promise<void>;
}

/** Now on the monotonic clock CPU profiles use, in µs. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Runs `cascade up` on the run's repo, fills `result` as it goes (so a failure keeps what was measured), then stops it. */
export async function measureOneProcess(ctx: OneProcessContext, result: OneProcessResult): Promise<void> {
  const started = performance.now();
  const startedMicros = monotonicMicros();
  const stack = await startOneProcessStack({ ...ctx.stackOptions, extraNodeArgs: result.nodeArgs });
  try {
    result.readyMs = performance.now() - started;
    await ctx.everyEnvironmentClean(stack.urls.deployer);
    result.cleanMs = performance.now() - started;
    const cleanMicros = monotonicMicros();
    await ctx.window?.('up-start', startedMicros, cleanMicros);
    await ctx.settled(stack.urls.deployer);
    // A minute with nothing to do first: V8 gives back the start's heap only after collections it runs when idle
    // (its memory reducer), whose CPU is what a memory setting trades against.
    const cpuBefore = treeCpuSeconds(stack.pid);
    await new Promise((resolve) => setTimeout(resolve, QUIET_BEFORE_SAMPLE_MS));
    result.quietCpuPerMinute = ((treeCpuSeconds(stack.pid) - cpuBefore) * 60_000) / QUIET_BEFORE_SAMPLE_MS;
    result.memoryConverged = memoryWithHelper(stack.pid);
    // From Clean, not from the quiet minute's start: what runs while the status settles is part of the question.
    await ctx.window?.('up-quiet', cleanMicros, monotonicMicros());
    const pushesFrom = monotonicMicros();
    ctx.step(`cascade up${label(result)}: ready after ${((result.readyMs ?? 0) / 1000).toFixed(1)} s, Clean after ${(result.cleanMs / 1000).toFixed(1)} s, RSS ${result.memoryConverged.rssMiB.toFixed(0)} MiB`);
    for (const [i, { resource, version }] of ctx.pushes.entries()) {
      const round = await pushRound({ ...ctx, stack }, resource, version);
      result.rounds.push(round);
      ctx.step(`cascade up${label(result)}: push ${i + 1}/${ctx.pushes.length} ${resource}: → dev ${round.toDev.toFixed(0)} ms`);
    }
    await ctx.window?.('up-pushes', pushesFrom, monotonicMicros());
    result.memoryAfterPushes = memoryWithHelper(stack.pid);
    result.heapAfterPushes = heapGauges(await stack.metrics('deployer'));
    if (ctx.stackOptions.heapSnapshotDir !== undefined) ctx.step(`cascade up${label(result)}: heap snapshot after the pushes: ${await stack.writeHeapSnapshot()}`);
  } finally {
    await stack.stop();
  }
}

/** ` (with …)` for a run with extra node options, for progress lines. */
export function label(result: Pick<OneProcessResult, 'nodeArgs'>): string {
  return result.nodeArgs.length === 0 ? '' : ` (with ${result.nodeArgs.join(' ')})`;
}
