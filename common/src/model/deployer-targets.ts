// deployers.yaml checked against the deployer's config: targets the repo names must exist there, and a kubernetes
// target only takes the environments and namespaces its operator allows. Pure, so `cascade validate` and the deployer agree.
import type { RepoFiles } from '../repo/files.ts';
import { namespaceAllowed } from './name-patterns.ts';
import type { Problem } from './problem.ts';
import { environmentAllowed, type TargetPolicy } from './target-policy.ts';
import type { DeployerBinding, Snapshot } from './types.ts';
import { nodeAt, problemAt, readSingleDocument } from './yaml-file.ts';

export { namespaceAllowed } from './name-patterns.ts';

/** What the checks need to know of one target of the deployer's config; only kubernetes targets have a policy. */
export interface TargetSummary extends TargetPolicy {
  /** `kubernetes` or `script`; only kubernetes targets have namespaces to guard. */
  type: string;
}

/** The bindings to check, and the files they came from when positions are wanted. */
export type DeployersSource = Pick<Snapshot, 'deployers'> & { files?: RepoFiles };

const FILE = 'deployers.yaml';
/** Where the objects of a kubernetes binding without a namespace end up. */
const DEFAULT_NAMESPACE = 'default';

/** Every binding of deployers.yaml whose target the config lacks, or whose environment or namespace the target does not allow. */
export function checkDeployerTargets(source: DeployersSource, targets: Readonly<Record<string, TargetSummary>>): Problem[] {
  const found: Array<{ binding: DeployerBinding; at: 'target' | 'namespace'; code: string; message: string }> = [];
  const known = Object.keys(targets).sort().join(', ') || 'none';
  for (const binding of source.deployers.values()) {
    const { env, target: name, namespace } = binding;
    // Own properties only: a target called `constructor` must not resolve to Object's.
    const target = Object.hasOwn(targets, name) ? targets[name] : undefined;
    if (target === undefined) {
      found.push({ binding, at: 'target', code: 'deployer-unknown-target', message: `deployers.${env}: target "${name}" is not defined in the deployer's config (known targets: ${known})` });
    } else if (target.type === 'kubernetes' && !environmentAllowed(target, env)) {
      const allowed = (target.allowedEnvironments ?? []).join(', ') || 'none';
      found.push({ binding, at: 'target', code: 'deployer-environment-not-allowed', message: `deployers.${env}: target "${name}" does not take environment ${env} (it allows only ${allowed}); bind it to another target, or list it in targets.${name}.allowedEnvironments of the deployer's config` });
    } else if (target.type === 'kubernetes' && !namespaceAllowed(namespace ?? DEFAULT_NAMESPACE, target.allowedNamespaces)) {
      const what = namespace === undefined ? `has no "namespace", so its objects go to "${DEFAULT_NAMESPACE}", which` : `namespace "${namespace}"`;
      const allowed = target.allowedNamespaces === undefined ? 'every namespace but default and kube-*' : `only ${target.allowedNamespaces.join(', ') || 'nothing'}`;
      found.push({
        binding,
        at: namespace === undefined ? 'target' : 'namespace',
        code: 'deployer-namespace-not-allowed',
        message: `deployers.${env}: ${what} is not allowed for target "${name}" (it allows ${allowed}); choose another namespace, or list it in targets.${name}.allowedNamespaces of the deployer's config`,
      });
    }
  }
  if (found.length === 0) return [];
  const locate = locator(source.files);
  return found.map(({ binding, at, code, message }) => ({ ...locate(binding.env, at), severity: 'error', code, message, env: binding.env }));
}

/** Finds a binding's value in deployers.yaml; only called when there is a problem to place, so a clean repo costs no second parse. */
function locator(files: RepoFiles | undefined): (env: string, key: string) => { file: string; line?: number; col?: number } {
  const content = files?.files.get(FILE)?.content;
  const read = content === undefined ? undefined : readSingleDocument(FILE, new TextDecoder().decode(content));
  return (env, key) => {
    if (read === undefined || 'problems' in read || read.doc === undefined) return { file: FILE };
    const { file, line, col } = problemAt(read.yaml, nodeAt(read.doc, ['deployers', env, key]), '', '');
    return line === undefined ? { file } : { file, line, col };
  };
}
