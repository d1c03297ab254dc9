// Runs every benchmark (`*/bench/*.bench.ts`), one child process each so they do not disturb one another.
// `npm run bench -- NAME` runs only the benchmarks whose path contains NAME.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2] ?? '';
const files = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
  .flatMap((d) => {
    const dir = join(root, d.name, 'bench');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => join(d.name, 'bench', f)) : [];
  })
  .filter((f) => f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
// The integration benchmarks (scale, the dashboard) drive the dashboard in Chromium: install it first, as `npm test` does.
if (files.some((file) => file.startsWith(join('integration-test', 'bench')))) {
  const ensured = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-browser.mjs')], { stdio: 'inherit', cwd: root });
  if (ensured.status !== 0) process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(root, file)], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
