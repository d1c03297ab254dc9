// The deployer's status is built anew on every ask from what its passes keep; handing out the object built before
// while nothing in it changed lets readers compare by identity (the transitioner's unchanged rounds, the status
// entity's cache of its text and tag) instead of walking it.
import type { DeployerStatus } from '@cascade/common';
import { deepFreeze } from '@cascade/common';

/** Whether two lists hold the same objects in the same order (both absent counts as the same). */
function sameItems<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Whether `next` holds the very parts of `before`: the same commit, environments and stagings, each the same object. */
export function sameStatusParts(before: DeployerStatus, next: DeployerStatus): boolean {
  return before.commit === next.commit && sameItems(before.environments, next.environments) && sameItems(before.stagings, next.stagings);
}

/** Hands out one frozen status object for as long as the statuses built from the passes' state hold the same parts. */
export class HandedOutStatus {
  private last: DeployerStatus | undefined;

  /** `built` when its parts differ from the status handed out last (frozen from now on), else that one. */
  of(built: DeployerStatus): DeployerStatus {
    if (this.last !== undefined && sameStatusParts(this.last, built)) return this.last;
    return (this.last = deepFreeze(built));
  }
}
