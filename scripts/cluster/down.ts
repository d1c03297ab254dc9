// `npm run cluster:down`: stops every process the local control plane started and removes its runtime files.
import { stopLocalCluster } from './index.ts';
import { runCommand } from './lib/command.ts';

await runCommand(async (log) => {
  const stopped = await stopLocalCluster(log);
  log(stopped ? 'local cluster stopped' : 'no local cluster was running');
});
