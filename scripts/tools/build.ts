// `npm run tools:build [-- NAME…]`: builds the test tools (sops, age, helm; or only those named) into the tools cache,
// a no-op for those already cached.
import { runCommand } from '../cluster/lib/command.ts';
import { buildTools, toolsBinCacheDir, toolsNamed } from './index.ts';

await runCommand(async (log) => {
  await buildTools(log, toolsNamed(process.argv.slice(2)));
  log(`tools ready in ${toolsBinCacheDir()}`);
}, 'tools');
