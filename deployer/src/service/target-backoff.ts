// Backoff per target: a cluster that cannot be reached is tried less and less often, while environments on
// other targets keep being deployed at the normal pace. No I/O; time comes in as arguments.
import type { BackoffOptions } from '@cascade/common/service';
import { backoffDelay } from '@cascade/common/service';

/** When each unreachable target may be tried again. */
export class TargetBackoff {
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  /** `options.initial` is the first delay (the deployer uses its poll interval), doubled per failure up to `options.max`. */
  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Whether `target` may be tried at `now`: it never failed, or its delay has passed. */
  due(target: string, now: Date): boolean {
    const failed = this.failures.get(target);
    return failed === undefined || now.getTime() >= failed.retryAt;
  }

  /** Records a failure and returns when the target may be tried next. */
  failed(target: string, now: Date): Date {
    const count = (this.failures.get(target)?.count ?? 0) + 1;
    const retryAt = now.getTime() + backoffDelay(count, this.options, this.random);
    this.failures.set(target, { count, retryAt });
    return new Date(retryAt);
  }

  /** Forgets the failures of a target that answered. */
  succeeded(target: string): void {
    this.failures.delete(target);
  }
}
