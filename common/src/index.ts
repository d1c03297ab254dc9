// @cascade/common: the resource-repo model every Cascade service shares.
export type * from './model/types.ts';
export { formatProblem, type Problem, type Severity } from './model/problem.ts';
export { checkResourceName, checkEnvName, NAME_SEGMENT, MAX_NAME_LENGTH } from './model/names.ts';
export { parseSnapshot, type ParseCache, type ParseOptions, type SnapshotWithFiles } from './model/snapshot.ts';
export { renderEnvironment, renderResource } from './model/render.ts';
export { isLocked, noLocks, parseLocksFile } from './model/locks.ts';
export { parseVersionFile } from './model/version-file.ts';
export { parseTransitionsFile } from './model/transitions.ts';
export { parseDeployersFile } from './model/deployers.ts';
export { parseTransitionStateFile } from './model/transition-state.ts';
export { orderEnvironments, entryEnvironment } from './model/pipeline.ts';
export { checkSchedule, nextScheduledTime } from './model/schedule.ts';
export { writeVersionFile, addLockReason, removeLockReason, writeTransitionState, UneditableFileError } from './model/writers.ts';
export { RESERVED_FILES, RESOURCE_FOLDERS } from './model/classify.ts';
export { MAX_FILE_BYTES, blobId, repoFilesFromText, type RepoFile, type RepoFiles, type RepoEntryKind } from './repo/files.ts';
export { validateSnapshot } from './model/validate.ts';
export { readWorkingTree } from './repo/working-tree.ts';
