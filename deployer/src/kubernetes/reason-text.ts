// The text form of rollout reasons, as the dashboard and the CLI show them.
import type { RolloutReason } from '@cascade/common';

/** Formats a reason the way people read it in the dashboard and CLI, e.g. `NotAllUpdated 1/3`. */
export function formatRolloutReason(reason: RolloutReason): string {
  switch (reason.kind) {
    case 'NotYetObserved':
      return `NotYetObserved ${reason.observedGeneration}/${reason.generation}`;
    case 'NotAllUpdated':
      return `NotAllUpdated ${reason.updated}/${reason.expected}`;
    case 'OldReplicasPending':
      return `OldReplicasPending ${reason.count}`;
    case 'UpdatedUnavailable':
      return `UpdatedUnavailable ${reason.available}/${reason.updated}`;
    case 'NotAllReady':
      return `NotAllReady ${reason.ready}/${reason.expected}`;
    case 'ProgressDeadlineExceeded':
      return reason.message === '' ? 'ProgressDeadlineExceeded' : `ProgressDeadlineExceeded: ${reason.message}`;
    case 'JobRunning':
      return `JobRunning ${reason.active} active, ${reason.succeeded} succeeded`;
    case 'JobFailed':
      return reason.message === '' ? 'JobFailed' : `JobFailed: ${reason.message}`;
    case 'NotFound':
      return 'NotFound';
  }
}
