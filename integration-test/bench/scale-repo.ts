// The resource repo of the scale benchmark: N apps (Deployment, Service, ConfigMap) in latest, dev, pp and prod,
// promoted as in the example repo, and the same manifests rendered as files for `kubectl apply`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateBenchRepo, renderBenchResource, type BenchRepo } from '@cascade/common/bench';
import { DEFAULT_TRANSITIONS } from '../e2e/stack.ts';

/** Every environment is deployed, each to its own namespace. */
export const SCALE_ENVS = ['latest', 'dev', 'pp', 'prod'] as const;
/** One of SCALE_ENVS. */
export type ScaleEnv = (typeof SCALE_ENVS)[number];
/** Objects each resource deploys per environment. */
export const OBJECTS_PER_RESOURCE = 3;

/** A generated repo and where its environments deploy. */
export interface ScaleRepo {
  repo: BenchRepo;
  namespaces: Record<ScaleEnv, string>;
  /** The Kubernetes name of each resource's objects, in the order of `repo.resources`. */
  objectNames: string[];
}

/**
 * Generates the repo on a bare remote; namespaces are `<prefix>-<env>`. With `podsOnlyFor`, the other resources' Deployments
 * run no pods; with `headlessServices`, the Services have no cluster IP.
 */
export function generateScaleRepo(resources: number, prefix: string, podsOnlyFor?: ReadonlySet<number>, headlessServices = false): ScaleRepo {
  const namespaces = Object.fromEntries(SCALE_ENVS.map((env) => [env, `${prefix}-${env}`])) as Record<ScaleEnv, string>;
  const repo = generateBenchRepo({
    resources,
    envs: [...SCALE_ENVS],
    shape: 'app',
    // latest → dev → pp (when dev is clean) as in the example; prod on a schedule that is not due while this runs.
    transitions: DEFAULT_TRANSITIONS,
    namespace: (env) => namespaces[env as ScaleEnv],
    headlessServices,
    ...(podsOnlyFor === undefined ? {} : { replicas: (index: number) => (podsOnlyFor.has(index) ? 1 : 0) }),
  });
  return { repo, namespaces, objectNames: repo.resources.map(objectName) };
}

/** The name the generated manifests give a resource's objects (`team-3/svc-17` → `team-3-svc-17`). */
export function objectName(resource: string): string {
  return resource.replace('/', '-');
}

/** Writes every resource's rendered manifests to `dir`, one file per resource, as a person would apply them by hand. */
export function writeRenderedFiles(repo: BenchRepo, dir: string, headlessServices = false): void {
  mkdirSync(dir, { recursive: true });
  for (const name of repo.resources) writeFileSync(join(dir, `${objectName(name)}.yaml`), renderBenchResource(name, 'app', headlessServices));
}
