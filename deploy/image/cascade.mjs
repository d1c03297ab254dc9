#!/usr/bin/env node
// The image's `cascade`: the bundled CLI and nothing else (cli/bin/cascade.js would look for the TypeScript sources
// to decide whether the bundle is fresh; the image has no sources and no tsx).
import { mainProcess } from './dist/main.js';

process.exitCode = await mainProcess(process.argv.slice(2));
