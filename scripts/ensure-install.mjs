#!/usr/bin/env node
// Installs the npm dependencies when they are missing or older than package-lock.json, and bundles the CLI when its
// bundle is older than the sources, so the README's commands work on a fresh clone and `cascade` starts fast.
// Plain JavaScript on purpose: it runs before any dependency exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Cascade needs Node.js >= 20.19; this is ${process.version}. Install a newer Node.js and run the command again.`);
  process.exit(1);
}

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.error('cascade: installing npm dependencies (npm ci) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('cascade: npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

try {
  // Resolved through the workspace link, which exists once the install above has run.
  const { bundleCli, bundleIsFresh } = await import('@cascade/cli/build');
  if (!bundleIsFresh()) await bundleCli();
} catch (error) {
  // Without the bundle `cascade` still runs from source, only slower to start.
  console.error(`cascade: could not bundle the CLI (${error instanceof Error ? error.message : String(error)}); it runs from source`);
}
