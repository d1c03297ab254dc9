// stagings.yaml checked against the deployer's config: each kind's target must exist, a kubernetes kind needs a
// namespace pattern, and every staging's namespace must be one its target allows. Pure, like deployer-targets.ts.
import type { TargetSummary } from '../deployer-targets.ts';
import { namespaceAllowed } from '../name-patterns.ts';
import type { Problem } from '../problem.ts';
import type { Snapshot } from '../types.ts';
import { deriveStagings } from './derive.ts';

const FILE = 'stagings.yaml';

/** Every kind whose target the config lacks or cannot serve, and every staging whose namespace its target refuses. */
export function checkStagingTargets(snapshot: Snapshot, targets: Readonly<Record<string, TargetSummary>>): Problem[] {
  const problems: Problem[] = [];
  const known = Object.keys(targets).sort().join(', ') || 'none';
  const targetOf = (name: string) => (Object.hasOwn(targets, name) ? targets[name] : undefined);
  for (const kind of snapshot.stagingKinds.values()) {
    const target = targetOf(kind.target);
    if (target === undefined) problems.push({ file: FILE, severity: 'error', code: 'staging-unknown-target', message: `stagings.${kind.name}: target "${kind.target}" is not defined in the deployer's config (known targets: ${known})` });
    else if (target.type === 'kubernetes' && kind.namespace === undefined) problems.push({ file: FILE, severity: 'error', code: 'staging-no-namespace', message: `stagings.${kind.name}: target "${kind.target}" is a kubernetes target, so the kind needs a namespace pattern such as "shop-{name}"` });
  }
  for (const { staging, kind, binding } of deriveStagings(snapshot).deployments.values()) {
    const target = targetOf(kind.target);
    if (target?.type !== 'kubernetes' || binding.namespace === undefined || namespaceAllowed(binding.namespace, target.allowedNamespaces)) continue;
    const allowed = target.allowedNamespaces === undefined ? 'every namespace but default and kube-*' : `only ${target.allowedNamespaces.join(', ') || 'nothing'}`;
    problems.push({ file: staging.file, severity: 'error', code: 'staging-namespace-not-allowed', message: `namespace "${binding.namespace}" is not allowed for target "${kind.target}" (it allows ${allowed}); change the kind's namespace pattern, or list it in targets.${kind.target}.allowedNamespaces`, staging: staging.name });
  }
  return problems;
}

/** The environments deployers.yaml binds to script targets: their version files need no base (a control script reads them). */
export function scriptEnvironments(snapshot: Pick<Snapshot, 'deployers'>, targets: Readonly<Record<string, TargetSummary>>): Set<string> {
  const envs = new Set<string>();
  for (const { env, target } of snapshot.deployers.values()) if (Object.hasOwn(targets, target) && targets[target]?.type === 'script') envs.add(env);
  return envs;
}
