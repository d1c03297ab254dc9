// `@cascade/common/git`: how Cascade services read commits of the resource repo and write to its branch.
export type { Author, CommitInfo, FileChanges, GitRepo, LogOptions, OpenRepoOptions, PathChange, ReadStats, TreeEdit, WriteContext, WriteFunction, WriteResult } from './types.ts';
export { openRepo, CASCADE_IDENTITY } from './repo.ts';
export { oneAtATime } from './one-at-a-time.ts';
export {
  GitLayerError,
  GitCommandError,
  GitPushRejectedError,
  InvalidEditPathError,
  InvalidCommitMetadataError,
  GitObjectMissingError,
  InvalidGitNameError,
  checkCommitId,
  checkBranchName,
  GitCacheDirMismatchError,
  GitRepoClosedError,
  redactCredentials,
} from './errors.ts';
export { checkEditPath, applyChanges, applyChangesInPlace } from './tree-edit.ts';
export { formatCommitMessage, parseCommitMessage } from './commit-message.ts';
export { cascadeTrailers, commitTypeOf, readCascadeTrailers, trailerValues } from './trailers.ts';
export { initBareRepo, readRemoteHead } from './remote.ts';
export { SPAWN_SERVER_MARKER } from './spawn-server.ts';
