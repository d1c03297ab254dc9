// Looks at environments again when their targets report a change in the cluster: one run at a time, and however
// much news arrives meanwhile, one more run for the environments it named.
import type { Logger } from '@cascade/common/service';

/** A queue of environments to look at again. */
export interface LiveRechecks {
  /** Asks for a look at `env`; news arriving while a run is under way is gathered into the next one. */
  request(env: string): void;
  /** Takes no more requests and resolves once the run under way has ended. */
  stop(): Promise<void>;
}

/** Creates the queue; `run` gets every environment asked for since the last run, in the order first asked. */
export function createLiveRechecks(run: (envs: string[]) => Promise<void>, logger: Logger): LiveRechecks {
  const pending = new Set<string>();
  let draining: Promise<void> | undefined;
  let stopped = false;

  const drain = async (): Promise<void> => {
    // Events that arrived in one read from the socket are handled together.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (pending.size > 0 && !stopped) {
      const envs = [...pending];
      pending.clear();
      try {
        await run(envs);
      } catch (error) {
        // The next change or the next poll looks again; a failed look must not stop later ones.
        logger.warn('looking at changed environments failed', { envs, error });
      }
    }
    draining = undefined;
  };

  return {
    request(env) {
      if (stopped) return;
      pending.add(env);
      draining ??= drain();
    },
    async stop() {
      stopped = true;
      await draining;
    },
  };
}
