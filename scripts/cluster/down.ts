// `npm run cluster:down`: stops every process the local control plane started and removes its runtime files.
import { localClusterUsers, stopLocalCluster } from './index.ts';
import { runCommand } from './lib/command.ts';

await runCommand(async (log) => {
  const users = localClusterUsers();
  if (users.length > 0) log(`warning: process(es) ${users.join(', ')} still use the cluster (a test run or npm start); stopping it anyway`);
  const stopped = await stopLocalCluster(log);
  log(stopped ? 'local cluster stopped' : 'no local cluster was running');
});
