// Waking the loop when something falls due before the next poll, so windows and staging steps happen on time without polling faster.
import type { Clock } from '@cascade/common/service';

/** One pending wake-up at a time; each round replaces it with the next due time it found. */
export class DueWaker {
  private pending: AbortController | undefined;

  /** `wake` asks the loop for a round; `horizon` is the poll interval: a round comes by then anyway and arms again. */
  constructor(
    private readonly clock: Clock,
    private readonly horizon: number,
    private readonly wake: () => void,
  ) {}

  /** Replaces the pending wake-up with one at `at`, or none when `at` is absent or no sooner than the next poll. */
  arm(at: Date | undefined): void {
    this.stop();
    if (at === undefined) return;
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    // Later times wait for a poll to arm them: a timer is never set weeks ahead (setTimeout overflows past ~24.8 days).
    if (delay >= this.horizon) return;
    const controller = new AbortController();
    this.pending = controller;
    void this.clock.sleep(delay, controller.signal).then(() => {
      if (controller.signal.aborted) return;
      this.pending = undefined;
      this.wake();
    });
  }

  /** Drops the pending wake-up. */
  stop(): void {
    this.pending?.abort();
    this.pending = undefined;
  }
}
