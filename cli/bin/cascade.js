#!/usr/bin/env node
// Cascade ships as TypeScript sources; tsx compiles them on load so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
