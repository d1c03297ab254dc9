// Vitest wiring of e2e stacks: one per test (stopped afterwards) or one per file, with the service logs printed when a test fails.
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import { killAllServices } from './harness.ts';
import { startStack, type Stack, type StackOptions } from './stack.ts';

/** Returns a starter of stacks on the run's cluster; every stack it started is stopped after the test. */
export function useStacks(): (options: Omit<StackOptions, 'kubeconfig'>) => Promise<Stack> {
  const started: Stack[] = [];
  const stopAll = async () => {
    for (const stack of started.splice(0)) await stack.stop();
    // Belt and braces: a process a stack lost track of (a failed start) must not outlive the test.
    await killAllServices();
  };
  afterEach(async (context) => {
    // The logs go with the stack's temp dir, so a failure prints them before the stop.
    if (context.task.result?.state === 'fail') {
      for (const stack of started) console.error(`service logs of the failed test:\n${await stack.logs()}`);
    }
    await stopAll();
  });
  afterAll(stopAll);
  return async (options) => {
    const stack = await startStack({ kubeconfig: inject('kubeconfig'), ...options });
    started.push(stack);
    return stack;
  };
}

/**
 * One stack for every test of a file, so tests that share an installation can run side by side: started before the
 * first test, its logs printed after the last when any failed, then stopped. Returns the running stack.
 */
export function useSharedStack(options: Omit<StackOptions, 'kubeconfig'>): () => Stack {
  let stack: Stack | undefined;
  let failed = false;
  beforeAll(async () => {
    stack = await startStack({ kubeconfig: inject('kubeconfig'), ...options });
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    if (failed && stack) console.error(`service logs of the failed tests:\n${await stack.logs()}`);
    await stack?.stop();
    await killAllServices();
  });
  return () => {
    if (stack === undefined) throw new Error('the shared stack did not start; see the error of beforeAll');
    return stack;
  };
}
