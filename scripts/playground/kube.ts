// Choosing the cluster for the playground: the current KUBECONFIG when it answers, else the bundled local control plane.
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { holdLocalCluster, type Log } from '../cluster/index.ts';

/** The cluster the playground deploys to, and whether the playground started it (and so stops it). */
export interface PlaygroundCluster {
  kubeconfig: string | undefined;
  context: string | undefined;
  description: string;
  stop(): Promise<void>;
}

/** Asks the API server of the current kubeconfig for its version, with a short timeout. */
async function reachableVersion(config: KubeConfig): Promise<string | undefined> {
  if (!config.getCurrentCluster()) return undefined;
  const api = config.makeApiClient(VersionApi);
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5000).unref());
  const version = api.getCode().then((info) => info.gitVersion).catch(() => undefined);
  return Promise.race([version, timeout]);
}

/** Uses the cluster of the current KUBECONFIG if reachable, otherwise starts the local control plane. */
export async function chooseCluster(log: Log, useLocal: boolean): Promise<PlaygroundCluster> {
  if (!useLocal) {
    const config = new KubeConfig();
    try {
      config.loadFromDefault();
      const version = await reachableVersion(config);
      if (version) {
        const context = config.getCurrentContext();
        return { kubeconfig: process.env['KUBECONFIG']?.split(':')[0], context, description: `your cluster (context ${context}, ${version})`, stop: async () => {} };
      }
    } catch {
      // No usable kubeconfig: fall through to the local control plane.
    }
    // Whether it must be built (first run) or is already running is known only below, which says so itself.
    log('no reachable cluster in KUBECONFIG: using the bundled local control plane');
  }
  const { cluster, release } = await holdLocalCluster(log);
  return {
    kubeconfig: cluster.kubeconfig,
    context: undefined,
    description: `the local control plane at ${cluster.state.apiServerUrl}${cluster.reused ? ' (already running)' : ''}`,
    stop: async () => {
      await release();
    },
  };
}
