// `npm run cluster:build`: builds the control-plane binaries into the cache (a no-op when they are cached).
import { binCacheDir, buildLocalCluster } from './index.ts';
import { runCommand } from './lib/command.ts';

await runCommand(async (log) => {
  await buildLocalCluster(log);
  log(`binaries ready in ${binCacheDir()}`);
});
