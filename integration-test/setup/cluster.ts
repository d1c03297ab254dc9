// Vitest global setup of the `integration` project: one Kubernetes API server per test run.
// Uses CASCADE_TEST_KUBECONFIG (or $KUBECONFIG with CASCADE_TEST_USE_KUBECONFIG=1) when given; otherwise starts the
// local control plane (building it on first use) and stops it afterwards unless it was already running.
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { holdLocalCluster, localKubectlPath } from '../../scripts/cluster/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the admin kubeconfig every integration test connects with. */
    kubeconfig: string;
    /** Path of a kubectl matching the cluster, or '' when the cluster is external and kubectl is not built. */
    kubectl: string;
  }
}

const log = (line: string) => console.error(`[cluster] ${line}`);

/** Picks the cluster, provides its kubeconfig to the tests, and returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = externalKubeconfig(process.env);
  if (external !== undefined) {
    if (!existsSync(external.path)) throw new Error(`${external.from} points at ${external.path}, which does not exist`);
    log(`using the cluster of ${external.from}=${external.path}`);
    project.provide('kubeconfig', external.path);
    project.provide('kubectl', localKubectlPath() ?? '');
    return async () => {};
  }
  const { cluster, release } = await holdLocalCluster(log);
  log(`${cluster.reused ? 'reusing' : 'started'} the local cluster; kubeconfig ${cluster.kubeconfig}`);
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('kubectl', localKubectlPath() ?? '');
  return async () => {
    // A cluster started by hand (`npm run cluster:up`) stays up for the next run; one we started goes away,
    // unless another test run or the playground took a lease on it meanwhile.
    const others = await release();
    if (!cluster.reused && others > 0) log(`leaving the local cluster running: ${others} other process(es) still use it`);
  };
}

/** The kubeconfig of an externally provided cluster, if the environment names one. */
function externalKubeconfig(env: NodeJS.ProcessEnv): { path: string; from: string } | undefined {
  if (env.CASCADE_TEST_KUBECONFIG) return { path: env.CASCADE_TEST_KUBECONFIG, from: 'CASCADE_TEST_KUBECONFIG' };
  if (env.CASCADE_TEST_USE_KUBECONFIG === '1') {
    const first = env.KUBECONFIG?.split(':')[0];
    if (!first) throw new Error('CASCADE_TEST_USE_KUBECONFIG=1 but KUBECONFIG is not set');
    return { path: first, from: 'KUBECONFIG' };
  }
  return undefined;
}
