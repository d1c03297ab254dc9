// `@cascade/cli/services`: running all three services in one process (`cascade up`), for the playground and tests.
export { startAll, stopAll } from './commands/up.ts';
export { untilSignal } from './service-config.ts';
