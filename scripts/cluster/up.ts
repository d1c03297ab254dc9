// `npm run cluster:up`: starts (or reuses) the local control plane and prints the admin kubeconfig path on stdout.
import { startLocalCluster } from './index.ts';
import { runCommand } from './lib/command.ts';

await runCommand(async (log) => {
  const cluster = await startLocalCluster(log);
  if (cluster.reused) log(`reusing the running cluster at ${cluster.state.apiServerUrl}`);
  log(`kubeconfig (export KUBECONFIG=...):`);
  console.log(cluster.kubeconfig);
});
