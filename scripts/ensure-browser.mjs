#!/usr/bin/env node
// Makes sure the browser the UI tests drive is installed before `npm test` (and .ci/run) start: installs Debian's
// chromium as root with apt-get, otherwise stops at once with the command to run. Plain JavaScript on purpose: it runs
// before any dependency exists. The decision itself is pure and tested: scripts/browser/chromium.mjs.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromiumPath, planBrowserInstall } from './browser/chromium.mjs';

const path = chromiumPath(process.env);
const plan = planBrowserInstall({
  path,
  overridden: Boolean(process.env.CASCADE_CHROMIUM),
  present: isExecutable(path),
  root: process.getuid?.() === 0,
  aptGet: onPath('apt-get'),
  sudo: onPath('sudo'),
});
if (plan.action === 'stop') fail(plan.message);
if (plan.action === 'install') {
  console.error(`cascade: installing Debian's chromium for the browser tests (apt-get install chromium) …`);
  for (const step of plan.steps) {
    // argv, never a shell; apt's own output stays visible so a failing mirror explains itself.
    const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: { ...process.env, ...plan.env } });
    if (result.status !== 0) fail(`${step.command} ${step.args.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`}); see its output above.`);
  }
  if (!isExecutable(path)) fail(`apt-get installed chromium, but ${path} is still missing; set CASCADE_CHROMIUM to the binary it installed.`);
}

/** True for an executable regular file. */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when a command of that name is on the PATH, found the way a shell would, without starting one. */
function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, command)));
}

function fail(message) {
  console.error(`cascade: ${message}`);
  process.exit(1);
}
