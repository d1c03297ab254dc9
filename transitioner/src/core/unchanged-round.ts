// Whether a round would decide what the last one did: the same head, the same deployer report, and no time passed
// that matters. Such a round is left out, so an idle transitioner costs a fetch and a 304 per poll. No I/O.
import type { DeployerView } from './observations.ts';

/** What the last whole round decided on; kept only for a round that wrote nothing (it ended on the head it read). */
export interface DecidedInputs {
  head: string;
  deployer: DeployerView;
  time: Date;
  /** The next time something falls due on its own (nextDueTime); none when nothing does. */
  due: Date | undefined;
}

/** Rounds decide again at least this often, so what the outlooks say about time (a soak's minutes, a window) stays current. */
export const REDECIDE_MS = 60_000;

/**
 * True when a round at `time` on `head` with `deployer` would decide and report exactly what `last` did. The deployer
 * client hands out the very same status object while the deployer answers 304 Not Modified, so identity tells that
 * its report did not change; an unreachable deployer is always asked and decided on again.
 */
export function decidesAsBefore(last: DecidedInputs | undefined, head: string, deployer: DeployerView, time: Date): boolean {
  if (last === undefined || last.head !== head) return false;
  if (last.deployer.kind !== 'Reported' || deployer.kind !== 'Reported' || last.deployer.status !== deployer.status) return false;
  const elapsed = time.getTime() - last.time.getTime();
  // A clock set back is not trusted to mean that nothing fell due.
  if (elapsed < 0 || elapsed >= REDECIDE_MS) return false;
  return last.due === undefined || time.getTime() < last.due.getTime();
}
