// The scale benchmark's table: one block per size, each line a measurement, its goal (set for 10,000 × 4) and
// whether it is met. The layout is kept stable so runs can be compared line by line.
import type { ServiceName } from '../e2e/harness.ts';
import type { Memory } from './process-sample.ts';
import type { ApplyTotals } from './scale-metrics.ts';
import { APPLIED_RESOURCES } from './scale-metrics.ts';
import { label } from './scale-one-process.ts';
import { SCALE_ENVS } from './scale-repo.ts';
import { PASS_STEPS } from './scale-pushes.ts';
import type { ScaleResult } from './scale-run.ts';
import { SERVICES } from './scale-stack.ts';

/** The goals, stated for 10,000 resources × 4 environments. */
const GOALS = { toDevP50: 300, toDevP95: 1000, devToPpP50: 200, idleCpuSeconds: 1, rssMiB: 300 };

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(2)} s`);
const msText = (ms: number) => (Number.isNaN(ms) ? '–' : `${ms.toFixed(0)} ms`);
const met = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'met' : 'NOT met');
const row = (what: string, value: string, goal = '', verdict = '') => `${what.padEnd(44)} ${value.padEnd(56)} ${goal.padEnd(22)} ${verdict}`.trimEnd();
const perService = (values: Record<ServiceName, number>, unit: (v: number) => string) => SERVICES.map((name) => `${name.slice(0, 5)} ${unit(values[name])}`).join(', ');
const mib = (m: Memory) => `${m.rssMiB.toFixed(0)}/${m.hwmMiB.toFixed(0)}`;

/** The block of lines for one size. */
export function formatScaleResult(r: ScaleResult): string[] {
  const lines = [`${r.resources} resources × 4 environments = ${r.objects} objects (+ ${r.pods} pods); load average ${r.loadAtStart} at start, ${r.loadAtEnd ?? '?'} at end`];
  lines.push(row('measurement', 'value', 'goal at 10,000 × 4', 'here'));
  lines.push(row('first convergence (started → all applied)', `${s(r.convergenceMs)} (all ready ${s(r.readyMs)}, all Clean ${s(r.cleanMs)})`));
  const ratio = r.kubectlMs !== undefined && r.convergenceMs !== undefined ? r.kubectlMs / r.convergenceMs : undefined;
  lines.push(row('kubectl apply --server-side, same files', `${s(r.kubectlMs)}, kubectl/cascade ${ratio === undefined ? '–' : `${ratio.toFixed(2)}x`}`, '≥ 1.00x', met(ratio === undefined ? undefined : ratio >= 1)));
  if (r.convergedPerEnvMs) lines.push(row('  each environment complete after', r.convergedPerEnvMs.map((ms, i) => `${SCALE_ENVS[i]} ${s(ms)}`).join(', ')));
  applyRow('  API server time per apply (mean), cascade', r.convergenceApplies, lines);
  applyRow('  API server time per apply (mean), kubectl', r.kubectlApplies, lines);
  const rounds = r.rounds;
  const pick = (f: (round: (typeof rounds)[number]) => number) => rounds.map(f);
  if (rounds.length > 0) {
    const toDev = pick((x) => x.toDev);
    const p50 = percentile(toDev, 50);
    const p95 = percentile(toDev, 95);
    lines.push(row(`push → dev object (${rounds.length} pushes)`, `p50 ${msText(p50)}, p95 ${msText(p95)}, max ${msText(Math.max(...toDev))}`, 'p50 ≤ 300, p95 ≤ 1000', met(p50 <= GOALS.toDevP50 && p95 <= GOALS.toDevP95)));
    const part = (what: string, values: number[]) => lines.push(row(`  ${what}`, `p50 ${msText(percentile(values, 50))}, p95 ${msText(percentile(values, 95))}`));
    part('aggregator write (the push request)', pick((x) => x.write));
    part('transitioner (ack → dev commit on remote)', pick((x) => x.transition));
    part('deployer (dev commit → dev object)', pick((x) => x.deploy));
    const applies = rounds.reduce((sum, x) => ({ count: sum.count + x.apply.count, sumSeconds: sum.sumSeconds + x.apply.sumSeconds }), { count: 0, sumSeconds: 0 });
    lines.push(row('    of which apply (API server, mean)', `${msText((applies.sumSeconds * 1000) / applies.count)} per Deployment apply (${(applies.count / rounds.length).toFixed(1)} a round)`));
    const passes = rounds.reduce((sum, x) => ({ count: sum.count + x.passes.count, sumSeconds: sum.sumSeconds + x.passes.sumSeconds }), { count: 0, sumSeconds: 0 });
    lines.push(row('  deployer pass (loop histogram, mean)', `${msText((passes.sumSeconds * 1000) / passes.count)} a pass, ${(passes.count / rounds.length).toFixed(1)} passes a round`));
    const stepText = PASS_STEPS.map((step) => {
      const total = rounds.reduce((sum, x) => ({ count: sum.count + (x.steps[step]?.count ?? 0), sumSeconds: sum.sumSeconds + (x.steps[step]?.sumSeconds ?? 0) }), { count: 0, sumSeconds: 0 });
      return total.count === 0 ? `${step} –` : `${step} ${msText((total.sumSeconds * 1000) / total.count)} ×${(total.count / rounds.length).toFixed(1)}`;
    });
    lines.push(row('    its steps (mean, times a round)', stepText.join(', ')));
    lines.push(row('  deployer work no push asked for', backgroundText(rounds.reduce((sum, x) => sum + x.background.fullReconciles, 0), rounds.reduce((sum, x) => sum + x.background.watchLists, 0), rounds.filter((x) => x.background.fullReconciles + x.background.watchLists > 0).length)));
    const devToPp = percentile(pick((x) => x.devToPp), 50);
    lines.push(row('dev rolled out → pp object', `p50 ${msText(devToPp)}, max ${msText(Math.max(...pick((x) => x.devToPp)))}`, 'p50 ≤ 200', met(devToPp <= GOALS.devToPpP50)));
  }
  if (r.idleCpuPerMinute) {
    const total = SERVICES.reduce((sum, name) => sum + r.idleCpuPerMinute![name], 0);
    const settled = r.settledMs === undefined ? 'status still changing' : `status unchanged 30 s from ${(r.settledMs / 1000).toFixed(0)} s after Clean`;
    lines.push(row('idle CPU per minute', `${total.toFixed(2)} s (${perService(r.idleCpuPerMinute, (v) => v.toFixed(2))}; ${settled})`, '≤ 1 s in all', met(total <= GOALS.idleCpuSeconds)));
    if (r.idleBackground) lines.push(row('  deployer work in it', backgroundText(r.idleBackground.fullReconciles, r.idleBackground.watchLists)));
    if (r.idlePeakRssMiB) lines.push(row('  highest RSS MiB in it', perService(r.idlePeakRssMiB, (v) => v.toFixed(0))));
    if (r.idleMinutes && r.idleMinutes.length > 0) {
      const minutes = r.idleMinutes.map((m) => `${m.cpuSeconds.toFixed(2)}${m.reconcile ? 'R' : ''}`).join(' ');
      lines.push(row('  minute by minute, all three (s)', `${minutes} (R: a round of the full reconcile began; the deployer's share ${r.idleMinutes.map((m) => m.deployerCpuSeconds.toFixed(2)).join(' ')}; watch lists ${r.idleMinutes.map((m) => m.lists).join(' ')})`));
    }
  }
  const memoryRow = (what: string, memory: Record<ServiceName, Memory> | undefined) => {
    if (!memory) return;
    // The goal is for all three together, as `cascade up` runs them in one process (which has one runtime, not three).
    const sum = SERVICES.reduce((total, name) => total + memory[name].rssMiB, 0);
    lines.push(row(what, `${SERVICES.map((name) => `${name.slice(0, 5)} ${mib(memory[name])}`).join(', ')}; RSS sum ${sum.toFixed(0)}`, '≤ 300 MiB all three', met(sum <= GOALS.rssMiB)));
    // Each service starts git from a small helper process; its memory is the service's too.
    const helpers = SERVICES.map((name) => memory[name].helper);
    if (helpers.some((helper) => helper !== undefined)) {
      lines.push(row('  and their git spawn servers, RSS/PSS MiB', SERVICES.map((name, i) => `${name.slice(0, 5)} ${helpers[i] === undefined ? '–' : `${helpers[i].rssMiB.toFixed(0)}/${helpers[i].pssMiB.toFixed(0)}`}`).join(', ')));
    }
  };
  memoryRow('RSS/HWM MiB after convergence', r.memoryConverged);
  memoryRow('RSS/HWM MiB after the pushes', r.memoryAfterPushes);
  const heap = r.heapAfterPushes;
  if (heap) lines.push(row('  V8 heap total/used, external MiB', SERVICES.map((name) => `${name.slice(0, 5)} ${heap[name].totalMiB.toFixed(0)}/${heap[name].usedMiB.toFixed(0)}, ${heap[name].externalMiB.toFixed(0)}`).join('; ')));
  oneProcessRows(r, lines);
  if (r.dashboard) {
    const d = r.dashboard;
    lines.push(row(`dashboard (${d.firstScreen.length} loads, median)`, `first screen ${msText(percentile(d.firstScreen, 50))}, counts all ${r.resources} rows ${msText(percentile(d.allRows, 50))} (${d.rowsInDom} rows in the DOM)`));
  }
  lines.push(`service warnings and errors: ${r.logProblems.length === 0 ? 'none' : ''}`);
  for (const problem of r.logProblems.slice(0, 10)) lines.push(`  ${problem}`);
  if (r.failure) lines.push(`STOPPED: ${r.failure}`);
  return lines;
}

/** `cascade up` on the same repo: its start, its pushes, and the memory of all three services in one process, per run. */
function oneProcessRows(r: ScaleResult, lines: string[]): void {
  for (const one of r.oneProcess) {
    const toDev = one.rounds.map((round) => round.toDev);
    const pushes = toDev.length === 0 ? '' : `; ${toDev.length} pushes → dev p50 ${msText(percentile(toDev, 50))}`;
    lines.push(row(`cascade up, one process${label(one)}`, `ready ${s(one.readyMs)}, all Clean ${s(one.cleanMs)}${pushes}`));
    const memory = [one.memoryConverged, one.memoryAfterPushes];
    if (memory.every((m) => m === undefined)) continue;
    const heap = one.heapAfterPushes ? ` (V8 heap total/used ${one.heapAfterPushes.totalMiB.toFixed(0)}/${one.heapAfterPushes.usedMiB.toFixed(0)})` : '';
    const last = one.memoryAfterPushes ?? one.memoryConverged!;
    lines.push(row('  RSS/HWM MiB quiet minute, after pushes', `${memory.map((m) => (m === undefined ? '–' : mib(m))).join(', ')}${heap}`, '≤ 300 MiB all three', met(last.rssMiB <= GOALS.rssMiB)));
    if (one.quietCpuPerMinute !== undefined) lines.push(row('  CPU in the quiet minute', `${one.quietCpuPerMinute.toFixed(2)} s (the first minute after Clean, all three services)`));
    const helper = last.helper;
    if (helper !== undefined) lines.push(row('  and its git spawn server, RSS/PSS MiB', `${helper.rssMiB.toFixed(0)}/${helper.pssMiB.toFixed(0)}`));
  }
}

/** The API server's mean time per server-side apply of each resource type: Services pay for their ClusterIP allocation. */
function applyRow(what: string, totals: ApplyTotals | undefined, lines: string[]): void {
  if (!totals) return;
  const each = APPLIED_RESOURCES.filter((resource) => totals[resource].count > 0).map((resource) => `${resource} ${msText((totals[resource].sumSeconds * 1000) / totals[resource].count)} (${totals[resource].count})`);
  lines.push(row(what, each.join(', ')));
}

/** Full reconciles and watch lists, and in how many push rounds they fell, as the report reads them. */
function backgroundText(fullReconciles: number, watchLists: number, rounds?: number): string {
  const where = rounds === undefined ? '' : ` (in ${rounds} round${rounds === 1 ? '' : 's'})`;
  return `${fullReconciles} full reconcile${fullReconciles === 1 ? '' : 's'}, ${watchLists} watch list${watchLists === 1 ? '' : 's'}${where}`;
}
