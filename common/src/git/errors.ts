// Failures of the git layer: one class per failure, each with a stable `code` and typed `data` callers can branch on.

/** Base class of every git-layer failure; `code` is stable, the message is for people. */
export abstract class GitLayerError extends Error {
  abstract readonly code: string;
}

/** A git command exited with an error or ran past its timeout. */
export class GitCommandError extends GitLayerError {
  readonly code = 'git-command-failed';
  /** `terminal` when git says the credentials or the repository are wrong: retrying faster cannot fix that. */
  readonly kind: 'terminal' | 'transient';
  constructor(readonly data: { args: string[]; exitCode: number | null; stderr: string; timedOut: boolean }) {
    const why = data.timedOut ? 'timed out' : `exited with ${data.exitCode}`;
    super(`git ${data.args.join(' ')} ${why}: ${data.stderr.trim() || '(no output)'}`);
    this.name = 'GitCommandError';
    this.kind = !data.timedOut && NEEDS_A_PERSON.test(data.stderr) ? 'terminal' : 'transient';
  }
}

// What git prints when the URL or the credentials are wrong, as opposed to a network hiccup.
const NEEDS_A_PERSON = /Authentication failed|Permission denied \(publickey|could not read Username|Repository not found|does not appear to be a git repository|Host key verification failed/i;

/** The remote refused every push attempt of a write, even after re-applying it to the newest head. */
export class GitPushRejectedError extends GitLayerError {
  readonly code = 'push-rejected';
  constructor(readonly data: { remote: string; branch: string; attempts: number; reason: string }) {
    super(`push to branch "${data.branch}" of ${data.remote} was rejected ${data.attempts} times; last reason: ${data.reason}`);
    this.name = 'GitPushRejectedError';
  }
}

/** A write named a path Cascade never writes: `..`, absolute, empty segments, NUL or newline bytes, `.git`. */
export class InvalidEditPathError extends GitLayerError {
  readonly code = 'invalid-path';
  constructor(readonly data: { path: string; reason: string }) {
    super(`refusing to write path ${JSON.stringify(data.path)}: ${data.reason}`);
    this.name = 'InvalidEditPathError';
  }
}

/** A write carried an author or trailer git cannot record faithfully (newlines, `<`/`>` in identities, bad keys). */
export class InvalidCommitMetadataError extends GitLayerError {
  readonly code = 'invalid-commit-metadata';
  constructor(readonly data: { field: string; value: string; reason: string }) {
    super(`invalid ${data.field} ${JSON.stringify(data.value)}: ${data.reason}`);
    this.name = 'InvalidCommitMetadataError';
  }
}

/** A commit id or branch name that is not one: refused before it could reach git as an option or a refspec. */
export class InvalidGitNameError extends GitLayerError {
  readonly code = 'invalid-git-name';
  constructor(readonly data: { field: 'commit' | 'branch' | 'ref'; value: string }) {
    super(`invalid ${data.field} ${JSON.stringify(data.value)}: ${GIT_NAME_EXPECTED[data.field]}`);
    this.name = 'InvalidGitNameError';
  }
}

const GIT_NAME_EXPECTED = { commit: 'expected a hexadecimal commit id', branch: 'not a plain branch name', ref: 'expected a branch, tag or commit id' } as const;

/** An object asked for by id is not in the local repository (not fetched, or a wrong id). */
export class GitObjectMissingError extends GitLayerError {
  readonly code = 'object-missing';
  constructor(readonly data: { oid: string }) {
    super(`git object ${data.oid} is not in the local repository; fetch first`);
    this.name = 'GitObjectMissingError';
  }
}

/** The cache directory holds a repository cloned from another remote; Cascade will not mix them. */
export class GitCacheDirMismatchError extends GitLayerError {
  readonly code = 'cache-dir-mismatch';
  /** The cache directory stays wrong until the config changes. */
  readonly kind = 'terminal';
  constructor(readonly data: { dir: string; expectedUrl: string; actualUrl: string }) {
    super(`cache directory ${data.dir} belongs to remote ${data.actualUrl}, not ${data.expectedUrl}; use another directory`);
    this.name = 'GitCacheDirMismatchError';
  }
}

/** The repository handle was closed; no more reads or writes are accepted. */
export class GitRepoClosedError extends GitLayerError {
  readonly code = 'repo-closed';
  constructor(readonly data: { dir: string }) {
    super(`git repository ${data.dir} is closed`);
    this.name = 'GitRepoClosedError';
  }
}

/** Returns the commit id unchanged, or throws when it is not hexadecimal (a `-` would make it an option). */
export function checkCommitId(value: string): string {
  if (!/^[0-9a-f]{4,64}$/.test(value)) throw new InvalidGitNameError({ field: 'commit', value });
  return value;
}

/** Returns the branch name unchanged, or throws when git would not accept it or it could change a refspec. */
export function checkBranchName(value: string): string {
  const valid = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/.test(value) && !/\.\.|\/\/|\/$|\.lock$|\/\.|^\./.test(value) && value !== 'HEAD';
  if (!valid) throw new InvalidGitNameError({ field: 'branch', value });
  return value;
}

/** Removes a password or token from URLs (`https://user:secret@host` → `https://user:***@host`) before they reach a message. */
export function redactCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, '$1***@');
}
