// The pure steps of a Kubernetes pass (plan, statuses, the record for watch events, the inventory comparison) at
// 1,000 and 10,000 resources, without a cluster: what a pass that changes one resource costs in this process beyond
// I/O. With PASS_STEPS_BEFORE=<another checkout> the same passes run with that checkout's code too, interleaved in
// this one process, and the ratio is printed: a side-by-side that machine noise touches alike.
//
// PASS_STEPS_SIZES (1000,10000), PASS_STEPS_CHANGES (20 passes that change one resource each).
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EnvironmentStatus, Manifest, RenderedResource } from '@cascade/common';

const SIZES = (process.env.PASS_STEPS_SIZES ?? '1000,10000').split(',').map(Number);
const CHANGES = Number(process.env.PASS_STEPS_CHANGES ?? 20);
const STEPS = ['kinds', 'plan', 'inventory', 'statuses', 'record'] as const;
type Step = (typeof STEPS)[number];

/** The pass's pure functions as one checkout has them (an older one may lack later parameters; extra ones are ignored). */
interface Steps {
  label: string;
  planApply: (input: object) => { apply: Array<{ key: string; object: Manifest }>; retain: Map<string, unknown>; prune: unknown[]; retainIsInventory?: boolean };
  PlanMemo: new () => { byObjectKey(live: Manifest[]): Map<string, Manifest>; facts?: { of(rendered: RenderedResource[]): unknown } };
  statuses: (pass: object, plan: object, live: Map<string, Manifest>, outcome: object, errors: unknown[], memo: object) => EnvironmentStatus['resources'];
  recordPass: (status: EnvironmentStatus, plan: object, live: Map<string, Manifest>, outcome: object, selfHeal: boolean, previous?: unknown) => unknown;
  sameInventory: (a: Map<string, unknown>, b: Map<string, unknown>) => boolean;
  /** Before the environment's facts were tallied in the memo. */
  renderedKindsOf?: (rendered: RenderedResource[]) => unknown;
}

async function load(root: string, label: string): Promise<Steps> {
  const from = (file: string) => import(pathToFileURL(join(root, 'deployer', 'src', 'kubernetes', file)).href);
  const [plan, memo, status, refresh, inventory, facts] = await Promise.all([from('plan.ts'), from('plan-memo.ts'), from('target-status.ts'), from('live-refresh.ts'), from('inventory.ts'), from('rendered-facts.ts')]);
  return { label, planApply: plan.planApply, PlanMemo: memo.PlanMemo, statuses: status.statuses, recordPass: refresh.recordPass, sameInventory: inventory.sameInventory, renderedKindsOf: facts.renderedKindsOf };
}

/** A resource as the scale benchmark's repo renders it: a Deployment, a Service and a ConfigMap. */
function render(index: number, version: number): RenderedResource {
  const name = `r${String(index).padStart(5, '0')}`;
  const labels = { app: name };
  const manifests: Manifest[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { version: String(version) } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: labels } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.example/${name}:${version}` }] } } } },
  ];
  return { ok: true, env: 'dev', name: `apps/${name}`, version: `1.${version}`, manifests, sourceFiles: [`dev/apps/${name}.yaml`] };
}

/** One environment as one checkout's code passes over it; the cluster is a map the applies write to. */
class Environment {
  private readonly memo;
  private cluster = new Map<string, Manifest>();
  private live: Manifest[] = [];
  private inventory: Map<string, unknown> | undefined;
  private record: unknown;
  rendered: RenderedResource[];

  constructor(private readonly steps: Steps, size: number) {
    this.memo = new steps.PlanMemo();
    this.rendered = Array.from({ length: size }, (_, i) => render(i, 0));
  }

  /** One pass, timed step by step. */
  pass(commit: string): Record<Step, number> {
    const times = {} as Record<Step, number>;
    const time = <T>(step: Step, work: () => T): T => {
      const start = performance.now();
      const result = work();
      times[step] = performance.now() - start;
      return result;
    };
    const { steps, memo, rendered, live } = this;
    time('kinds', () => (memo.facts === undefined ? steps.renderedKindsOf?.(rendered) : memo.facts.of(rendered)));
    const plan = time('plan', () => steps.planApply({ installation: 'bench', env: 'dev', namespace: 'dev', commit, prune: true, selfHeal: true, rendered, live, inventory: this.inventory, checkPlacement: () => undefined, scopeOf: () => 'Namespaced', memo }));
    // As the target does: no comparison when the plan knows its retained entries are the stored inventory's.
    const stored = time('inventory', () => plan.retainIsInventory === true || (this.inventory !== undefined && steps.sameInventory(plan.retain, this.inventory)));
    // The server's answer to each apply: the object with what the API server adds.
    const applied = new Map(plan.apply.map((action) => [action.key, { ...action.object, metadata: { ...(action.object.metadata as object), uid: `${commit}-${action.key}`, resourceVersion: commit } }]));
    const outcome = { applied, errors: [], pruned: [] };
    const liveByKey = memo.byObjectKey(live);
    const pass = { env: 'dev', binding: { prune: true, selfHeal: true }, commit, resources: [], rendered, pruneHold: [] };
    const resources = time('statuses', () => steps.statuses(pass, plan, liveByKey, outcome, [], memo));
    const status: EnvironmentStatus = { env: 'dev', target: 'bench', commit, state: 'Clean', resources };
    this.record = time('record', () => steps.recordPass(status, plan, liveByKey, outcome, true, this.record));
    // What the watches hold next: a new list with the applied objects in it.
    for (const [key, object] of applied) this.cluster.set(key, object);
    if (applied.size > 0) this.live = [...this.cluster.values()];
    // The stored inventory is written, and read back as a new map, only when it changed.
    if (!stored) this.inventory = plan.retain;
    return times;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const here = resolve(new URL('../..', import.meta.url).pathname);
const implementations = [await load(here, 'this checkout')];
if (process.env.PASS_STEPS_BEFORE) implementations.unshift(await load(resolve(process.env.PASS_STEPS_BEFORE), 'before'));
console.log(`node ${process.version}; ${CHANGES} passes that change one resource each, per size; times in ms (p50), garbage collected before each pass`);
for (const size of SIZES) {
  const environments = implementations.map((steps) => new Environment(steps, size));
  // The cold pass applies everything, the next finds it live and settles it; then each pass changes one resource.
  for (const [index, commit] of ['cold', 'settle', 'settled'].entries()) {
    for (const environment of environments) {
      gc();
      environment.pass(`${commit}-${index}`);
    }
  }
  const samples = environments.map(() => STEPS.map(() => [] as number[]));
  const totals = environments.map(() => [] as number[]);
  for (let change = 1; change <= CHANGES; change++) {
    const index = (change * 7919) % size;
    // Which one goes first alternates: the one that ran second held pauses of several milliseconds more often,
    // whichever code it was (measured both ways round).
    const order = environments.map((_, e) => e);
    if (change % 2 === 0) order.reverse();
    for (const e of order) {
      const environment = environments[e]!;
      environment.rendered = environment.rendered.slice();
      environment.rendered[index] = render(index, change);
      gc();
      const times = environment.pass(`change-${change}`);
      STEPS.forEach((step, s) => samples[e]![s]!.push(times[step]));
      totals[e]!.push(STEPS.reduce((sum, step) => sum + times[step], 0));
    }
  }
  console.log(`\n${size} resources (${size * 3} objects), one changed per pass`);
  console.log(['', ...STEPS, 'total'].map((h, i) => (i === 0 ? h.padEnd(16) : h.padStart(10))).join(''));
  environments.forEach((_, e) => {
    const row = [...samples[e]!.map(median), median(totals[e]!)];
    console.log([implementations[e]!.label.padEnd(16), ...row.map((v) => v.toFixed(1).padStart(10))].join(''));
  });
  if (environments.length === 2) {
    const ratios = [...STEPS.map((_, s) => median(samples[0]![s]!) / median(samples[1]![s]!)), median(totals[0]!) / median(totals[1]!)];
    console.log(['before / now'.padEnd(16), ...ratios.map((r) => `${r.toFixed(2)}x`.padStart(10))].join(''));
  }
}
