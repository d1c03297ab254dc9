// The in-flight state of one control's aggregator calls: the button disables while busy, the dialog shows the failure.
import { ApiError } from '../api/client.ts';

/** Whether a control's call is running, and why its last one failed ('' when it did not). */
export class RequestState {
  busy = $state(false);
  failure = $state('');

  /** Runs `call`; a thrown error becomes `failure` (the server's message for an ApiError) instead of propagating. */
  async run(call: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.failure = '';
    try {
      await call();
    } catch (error) {
      this.failure = error instanceof ApiError ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }
}
