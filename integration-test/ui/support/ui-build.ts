// Builds ui/dist with Vite when a source is newer than the last build, so browser tests always test the current UI.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's workspace folder. */
const UI_DIR = fileURLToPath(new URL('../../../ui', import.meta.url));
/** Where the built dashboard lands. */
export const UI_DIST = join(UI_DIR, 'dist');
const SOURCES = [
  join(UI_DIR, 'src'),
  join(UI_DIR, 'index.html'),
  join(UI_DIR, 'vite.config.ts'),
  fileURLToPath(new URL('../../../common/src/api', import.meta.url)),
  // The dashboard names stagings with common's own function.
  fileURLToPath(new URL('../../../common/src/model/stagings/names.ts', import.meta.url)),
];

/** Runs `vite build` in-process unless dist/index.html is newer than every source; returns the dist folder. */
export async function ensureUiBuilt(): Promise<string> {
  const built = mtime(join(UI_DIST, 'index.html'));
  if (built === 0 || SOURCES.some((source) => newest(source) > built)) {
    const { build } = await import('vite');
    await build({ root: UI_DIR, configFile: join(UI_DIR, 'vite.config.ts'), logLevel: 'warn' });
  }
  return UI_DIST;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}
