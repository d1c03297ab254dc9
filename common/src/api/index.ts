// `@cascade/common/api`: the aggregator's HTTP wire types, shared by the aggregator, the CLI and the UI.
export type * from './writes.ts';
export type * from './history.ts';
export type * from './status.ts';
export type * from './events.ts';
export type * from './whoami.ts';
export type * from './stagings.ts';
export type { ErrorBody } from '../service/http/http-error.ts';

/** Base path of every aggregator API route. */
export const API_BASE = '/api/v1';
export { applyDelta } from './apply-delta.ts';
export { changedByPlace } from './by-place.ts';
export { applyDeployerPatch, DeltaMismatchError, environmentPatch, patchedEnvironment, patchReports, sameOwnFields } from './deployer-patch.ts';
export { appendPart, splitStatus, type SplitStatus } from './status-parts.ts';
export { WITHHELD } from './status.ts';
export { CSRF_HEADER, OIDC_LOGIN_PATH, OIDC_LOGOUT_PATH } from './whoami.ts';
export { STAGING_ACTIONS } from './stagings.ts';
export { versionFieldRows, type FieldRow } from './version-fields.ts';
export { isWebLink } from './links.ts';
// The dashboard names stagings as the API does, so the name it shows while someone types is the name created.
export { longestNameFor, stagingNameFromBranch } from '../model/stagings/names.ts';
export { rollbackLockOf } from '../model/rollback-lock.ts';
export { closestName } from '../model/did-you-mean.ts';
export { COMMIT_TYPES, isCommitType } from '../git/trailers.ts';
export { AggregatorApi, historySearch, type ApiTransport } from './client.ts';
export { backoffDelay, type BackoffOptions } from '../service/loop/backoff.ts';
export { moveVersionWords, moveWords, parseMoveLine } from './move-words.ts';
export { conditionsLine, conditionWords, fullTime, localTime, outlookWords, promotionWords, windowTime, type ConditionWords } from './outlook-words.ts';
export { objectRolloutWords, reasonWords, rolloutReasonWords, rolloutWords, withReasonWords } from './rollout-words.ts';
