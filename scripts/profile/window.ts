// Prints where CPU profiles spent a window of time, e.g. the scale benchmark's idle minute:
//   tsx scripts/profile/window.ts DIR/*.cpuprofile [--window DIR/idle-window.json] [--top 30]
// The window file holds { "from": µs, "to": µs } on the monotonic clock the profiles use.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeWindow, type CpuProfile } from './summary.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { window: { type: 'string' }, top: { type: 'string', default: '25' } } });
if (positionals.length === 0) {
  console.error('usage: tsx scripts/profile/window.ts PROFILE.cpuprofile… [--window WINDOW.json] [--top N]');
  process.exit(2);
}
const window = values.window === undefined ? {} : (JSON.parse(readFileSync(values.window, 'utf8')) as { from: number; to: number });
const top = Number(values.top);
for (const file of positionals) {
  const summary = summarizeWindow(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, window);
  console.log(`${basename(file)}: ${summary.totalMs.toFixed(0)} ms sampled${values.window === undefined ? '' : ' in the window'}`);
  console.log('  self');
  for (const [name, ms] of summary.self.slice(0, top)) console.log(`  ${ms.toFixed(0).padStart(8)} ms  ${name}`);
  console.log('  inclusive');
  for (const [name, ms] of summary.inclusive.slice(0, top)) console.log(`  ${ms.toFixed(0).padStart(8)} ms  ${name}`);
}
