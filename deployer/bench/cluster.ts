// Shared setup of the deployer benchmarks: the local control plane (started or reused) and throwaway namespaces.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { holdLocalCluster, localKubectlPath } from '../../scripts/cluster/index.ts';

/** A connection to the local cluster, the kubeconfig path and kubectl built with it. */
export interface BenchCluster {
  kc: KubeConfig;
  kubeconfig: string;
  kubectl: string;
  /** Creates a namespace and returns its name. */
  namespace(prefix: string): Promise<string>;
  /** Deletes every namespace created so far (without waiting for them to empty), and stops the cluster if this benchmark started it and nobody else uses it. */
  cleanup(): Promise<void>;
}

/** Starts or reuses the local cluster. */
export async function benchCluster(): Promise<BenchCluster> {
  const log = (line: string) => console.error(`[cluster] ${line}`);
  const held = await holdLocalCluster(log);
  const { cluster } = held;
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const kubectl = localKubectlPath();
  if (kubectl === undefined) throw new Error('kubectl was not built with the local cluster (npm run cluster:build)');
  const core = kc.makeApiClient(CoreV1Api);
  const created: string[] = [];
  return {
    kc,
    kubeconfig: cluster.kubeconfig,
    kubectl,
    async namespace(prefix) {
      const name = `${prefix}-${Date.now().toString(36)}`;
      await core.createNamespace({ body: { metadata: { name } } });
      created.push(name);
      return name;
    },
    async cleanup() {
      for (const name of created.splice(0)) await core.deleteNamespace({ name }).catch(() => {});
      await held.release();
    },
  };
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
