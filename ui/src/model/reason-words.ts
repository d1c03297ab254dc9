// The deployer's rollout reasons (`NotAllUpdated 1/3`) in words people read without knowing Kubernetes; the code
// itself stays on hover, for whoever searches the Kubernetes documentation for it.

const WORDS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^NotYetObserved \d+\/\d+$/, () => 'waiting for Kubernetes to pick up the change'],
  [/^NotAllUpdated (\d+)\/(\d+)$/, (m) => `updating: ${m[1]} of ${m[2]} pods on the new version`],
  [/^OldReplicasPending (\d+)$/, (m) => `stopping ${m[1]} old pod${m[1] === '1' ? '' : 's'}`],
  [/^UpdatedUnavailable (\d+)\/(\d+)$/, (m) => `starting: ${m[1]} of ${m[2]} new pods available`],
  [/^NotAllReady (\d+)\/(\d+)$/, (m) => `starting: ${m[1]} of ${m[2]} pods ready`],
  [/^ProgressDeadlineExceeded(?::\s*(.*))?$/s, (m) => `did not finish in time${m[1] ? `: ${m[1]}` : ''}`],
  [/^JobRunning (\d+) active, (\d+) succeeded$/, (m) => `job running: ${m[1]} active, ${m[2]} succeeded`],
  [/^JobFailed(?::\s*(.*))?$/s, (m) => `job failed${m[1] ? `: ${m[1]}` : ''}`],
  [/^NotFound$/, () => 'not found in the cluster'],
];

/** A rollout reason in words, or the reason itself when it is not one of the deployer's codes (a sentence already). */
export function reasonWords(reason: string): string {
  for (const [pattern, words] of WORDS) {
    const match = pattern.exec(reason);
    if (match) return words(match);
  }
  return reason;
}
