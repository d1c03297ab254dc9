// The deployer's rollout states and reasons in words: one set of words for the dashboard and the CLI, so they live in
// the shared API package; the views import them from here like every other word of the dashboard.

/** Rollout states, reasons and sentences quoting reasons, in words people read without knowing Kubernetes. */
export { objectRolloutWords, reasonWords, rolloutReasonWords, rolloutWords, withReasonWords } from '@cascade/common/api';
