// Pipeline order of environments: sources before their targets, as transitions.yaml chains them.
import type { Transition } from './types.ts';

/** Orders environments along the transitions (latest → dev → pp → prod), the rest alphabetically after. */
export function orderEnvironments(envs: string[], transitions: Transition[]): string[] {
  const known = new Set(envs);
  const incoming = new Map<string, number>();
  for (const env of envs) incoming.set(env, 0);
  for (const t of transitions) if (known.has(t.target) && known.has(t.source)) incoming.set(t.target, (incoming.get(t.target) ?? 0) + 1);
  const inPipeline = new Set(transitions.flatMap((t) => [t.source, t.target]).filter((e) => known.has(e)));
  const ordered: string[] = [];
  // Kahn's algorithm, alphabetical among equals so the order is stable; a cycle falls through to the end.
  let ready = [...inPipeline].filter((e) => incoming.get(e) === 0).sort();
  while (ready.length > 0) {
    const env = ready.shift() as string;
    ordered.push(env);
    for (const t of transitions) {
      if (t.source !== env || !inPipeline.has(t.target)) continue;
      const left = (incoming.get(t.target) ?? 0) - 1;
      incoming.set(t.target, left);
      if (left === 0) ready = [...ready, t.target].sort();
    }
  }
  const rest = envs.filter((e) => !ordered.includes(e)).sort();
  return [...ordered, ...rest];
}

/** The environments versions enter the pipeline at: transition sources that are no transition's target, in pipeline order. */
export function entryEnvironments(envs: readonly string[], transitions: readonly Transition[]): string[] {
  const targets = new Set(transitions.map((t) => t.target));
  const sources = new Set(transitions.map((t) => t.source));
  return orderEnvironments([...envs], [...transitions]).filter((e) => sources.has(e) && !targets.has(e));
}
