// `npm run tools:build`: builds sops and age into the tools cache (a no-op when they are cached).
import { runCommand } from '../cluster/lib/command.ts';
import { buildTools, toolsBinCacheDir } from './index.ts';

await runCommand(async (log) => {
  await buildTools(log);
  log(`tools ready in ${toolsBinCacheDir()}`);
}, 'tools');
