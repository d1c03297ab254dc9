// Comparing plans made with a memo to plans made afresh.
import type { ApplyPlan } from '../kubernetes/plan.ts';

/**
 * A plan as planning afresh would give it: every object live as rendered in `unchanged` (settled resources' objects
 * included, ordered by key), its retained entries as a plain map (a carried plan's shares the last plan's entries), no
 * settled resources, and no lineage (which marks each plan apart).
 */
export function asPlannedAfresh(plan: ApplyPlan): Omit<ApplyPlan, 'settled' | 'lineage'> & { settled: undefined; lineage: undefined } {
  const unchanged = [...plan.unchanged, ...[...plan.settled.values()].flatMap((objects) => objects.map((o) => o.unchanged))];
  return { ...plan, retain: new Map(plan.retain), unchanged: unchanged.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), settled: undefined, lineage: undefined };
}
