// Vitest wiring of e2e stacks: start one per test, print the service logs when the test fails, stop it afterwards.
import { afterAll, afterEach, inject } from 'vitest';
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
