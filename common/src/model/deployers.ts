// `deployers.yaml`: which environment is deployed to which target (targets live in the deployer's config).
import type { Problem } from './problem.ts';
import type { DeployerBinding } from './types.ts';
import { checkEnvName } from './names.ts';
import { isPlainMap, nodeAt, readSingleDocument, problemAt, type YamlSource } from './yaml-file.ts';

const BINDING_KEYS = new Set(['target', 'namespace', 'prune', 'selfHeal', 'allowEmpty']);
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses deployers.yaml; a malformed binding is reported and left out. */
export function parseDeployersFile(file: string, source: YamlSource): { deployers: Map<string, DeployerBinding>; problems: Problem[] } {
  const deployers = new Map<string, DeployerBinding>();
  const read = readSingleDocument(file, source);
  if ('problems' in read) return { deployers, problems: read.problems };
  const { yaml, doc, value } = read;
  if (doc === undefined) return { deployers, problems: [] };
  const map = isPlainMap(value) ? value['deployers'] : undefined;
  if (!isPlainMap(value) || (map !== undefined && map !== null && !isPlainMap(map))) {
    return { deployers, problems: [problemAt(yaml, doc.contents, 'deployers-bad-shape', 'deployers.yaml must be a map "deployers:" of environment to { target, namespace, prune }')] };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'deployers') problems.push(problemAt(yaml, nodeAt(doc, [key]), 'deployers-unknown-key', `unknown key "${key}"; expected "deployers"`));
  }
  for (const [env, entry] of Object.entries(map ?? {})) {
    const at = (path: string[], message: string) => problems.push(problemAt(yaml, nodeAt(doc, ['deployers', env, ...path]), 'deployers-bad-binding', `deployers.${env}: ${message}`));
    const before = problems.length;
    const envProblem = checkEnvName(env);
    if (envProblem) at([], envProblem);
    if (!isPlainMap(entry)) {
      at([], 'must be a map with "target"');
      continue;
    }
    for (const key of Object.keys(entry)) if (!BINDING_KEYS.has(key)) at([key], `unknown key "${key}"; expected one of ${[...BINDING_KEYS].join(', ')}`);
    const { target, namespace, prune, selfHeal, allowEmpty } = entry;
    if (typeof target !== 'string' || target === '') at(['target'], '"target" must name a target of the deployer\'s config');
    if (namespace !== undefined && (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.length > 63)) at(['namespace'], '"namespace" must be a Kubernetes namespace name');
    if (prune !== undefined && typeof prune !== 'boolean') at(['prune'], '"prune" must be true or false');
    if (selfHeal !== undefined && typeof selfHeal !== 'boolean') at(['selfHeal'], '"selfHeal" must be true or false');
    if (allowEmpty !== undefined && typeof allowEmpty !== 'boolean') at(['allowEmpty'], '"allowEmpty" must be true or false');
    if (problems.length > before) continue;
    deployers.set(env, {
      env,
      target: target as string,
      ...(typeof namespace === 'string' ? { namespace } : {}),
      prune: prune === true,
      selfHeal: selfHeal === true,
      allowEmpty: allowEmpty === true,
    });
  }
  return { deployers, problems };
}
