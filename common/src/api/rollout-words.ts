// The deployer's rollout states and reasons (`InProgress`, `NotAllReady 1/2`) in words people read without knowing
// Kubernetes, shared by the dashboard and the CLI so both say the same. The codes stay in the API and on hover, for
// whoever searches the Kubernetes documentation for them.
import type { ObjectRollout, RolloutReason, RolloutState } from '../status/deployer.ts';

/** One reason in words, e.g. `starting: 1 of 2 pods ready`. */
export function rolloutReasonWords(reason: RolloutReason): string {
  switch (reason.kind) {
    case 'NotYetObserved':
      // The numbers are spec generations, not pods: the controller has simply not read the new spec yet.
      return 'waiting for Kubernetes to pick up the change';
    case 'NotAllUpdated':
      return `updating: ${reason.updated} of ${reason.expected} pods on the new version`;
    case 'OldReplicasPending':
      return `stopping ${reason.count} old pod${reason.count === 1 ? '' : 's'}`;
    case 'UpdatedUnavailable':
      return `starting: ${reason.available} of ${reason.updated} new pods available`;
    case 'NotAllReady':
      return `starting: ${reason.ready} of ${reason.expected} pods ready`;
    case 'ProgressDeadlineExceeded':
      return `did not finish in time${reason.message ? `: ${reason.message}` : ''}`;
    case 'JobRunning':
      return `job running: ${reason.active} active, ${reason.succeeded} succeeded`;
    case 'JobFailed':
      return `job failed${reason.message ? `: ${reason.message}` : ''}`;
    case 'NotFound':
      return 'not found in the cluster';
  }
}

// The deployer's text form of each reason (deployer/src/kubernetes/reason-text.ts), read back into the reason.
const TEXT_FORMS: Array<[RegExp, (m: RegExpExecArray) => RolloutReason]> = [
  [/^NotYetObserved (\d+)\/(\d+)$/, (m) => ({ kind: 'NotYetObserved', observedGeneration: Number(m[1]), generation: Number(m[2]) })],
  [/^NotAllUpdated (\d+)\/(\d+)$/, (m) => ({ kind: 'NotAllUpdated', updated: Number(m[1]), expected: Number(m[2]) })],
  [/^OldReplicasPending (\d+)$/, (m) => ({ kind: 'OldReplicasPending', count: Number(m[1]) })],
  [/^UpdatedUnavailable (\d+)\/(\d+)$/, (m) => ({ kind: 'UpdatedUnavailable', available: Number(m[1]), updated: Number(m[2]) })],
  [/^NotAllReady (\d+)\/(\d+)$/, (m) => ({ kind: 'NotAllReady', ready: Number(m[1]), expected: Number(m[2]) })],
  [/^ProgressDeadlineExceeded(?::\s*(.*))?$/s, (m) => ({ kind: 'ProgressDeadlineExceeded', message: m[1] ?? '' })],
  [/^JobRunning (\d+) active, (\d+) succeeded$/, (m) => ({ kind: 'JobRunning', active: Number(m[1]), succeeded: Number(m[2]) })],
  [/^JobFailed(?::\s*(.*))?$/s, (m) => ({ kind: 'JobFailed', message: m[1] ?? '' })],
  [/^NotFound$/, () => ({ kind: 'NotFound' })],
];

// Pod reasons Kubernetes reports that reach a staging's or a script's reason as they are.
const POD_WORDS: Record<string, string> = {
  ImagePullBackOff: 'cannot pull the image',
  ErrImagePull: 'cannot pull the image',
  CrashLoopBackOff: 'keeps crashing and restarting',
  CreateContainerConfigError: 'cannot start: a Secret or ConfigMap it needs is missing',
  OOMKilled: 'stopped for using too much memory',
};

/** A reason's text form in words, or the text itself when it is not one of the deployer's codes (a sentence already). */
export function reasonWords(reason: string): string {
  for (const [pattern, read] of TEXT_FORMS) {
    const match = pattern.exec(reason);
    if (match) return rolloutReasonWords(read(match));
  }
  const pod = /^([A-Za-z]+)(?::\s*(.*))?$/s.exec(reason);
  const words = pod?.[1] === undefined || !Object.hasOwn(POD_WORDS, pod[1]) ? undefined : POD_WORDS[pod[1]];
  if (words !== undefined) return pod?.[2] ? `${words}: ${pod[2]}` : words;
  return reason;
}

/** A sentence that quotes reasons in parentheses (`shop/cart (NotAllUpdated 1/3)`), with each one in words. */
export function withReasonWords(sentence: string): string {
  return sentence.replace(/\(([A-Z][A-Za-z]+(?:[ :][^()]*)?)\)/g, (whole, code: string) => {
    const words = reasonWords(code);
    return words === code ? whole : `(${words})`;
  });
}

const STATE_WORDS: Record<RolloutState | 'Unreachable', string> = {
  Clean: 'rolled out',
  InProgress: 'rolling out',
  Outdated: 'outdated',
  Failed: 'failed',
  Unreachable: 'target unreachable',
};

/** A resource's or an environment's rollout as the deployer reports it, in words: the reason when there is one, the state otherwise. */
export function rolloutWords(state: RolloutState | 'Unreachable', reason?: string): string {
  if (reason === undefined || reason === '' || state === 'Clean') return STATE_WORDS[state];
  const words = reasonWords(reason);
  // Rolling out says itself in the reason ("starting…"); failed and outdated must still be said.
  return state === 'InProgress' ? words : `${STATE_WORDS[state]}: ${words}`;
}

/** One Kubernetes object's rollout in words, e.g. `rolling out: starting: 1 of 2 pods ready`. */
export function objectRolloutWords(rollout: ObjectRollout): string {
  if (rollout.state === 'Clean') return STATE_WORDS.Clean;
  return `${STATE_WORDS[rollout.state]}: ${rolloutReasonWords(rollout.reason)}`;
}
