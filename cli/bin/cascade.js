#!/usr/bin/env node
// Runs the bundled build (cli/dist) while it is newer than every source file, so a call starts fast; otherwise
// compiles the TypeScript sources on load through tsx, which is what tests and a freshly edited checkout use.
import { bundleIsFresh } from '../build/bundle.mjs';

let mainProcess;
if (process.env.CASCADE_FROM_SOURCE !== '1' && bundleIsFresh()) {
  ({ mainProcess } = await import('../dist/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ mainProcess } = await import('../src/main.ts'));
}
process.exitCode = await mainProcess(process.argv.slice(2));
