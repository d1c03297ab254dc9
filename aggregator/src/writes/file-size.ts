// The size rules of the write path: a write may not grow a file past MAX_WRITTEN_FILE_BYTES, and a file already past
// the read bound cannot be edited at all. Both refusals name the file and say what a person can do.
import { MAX_FILE_BYTES, MAX_WRITTEN_FILE_BYTES, oversizedWrite, type RepoFile } from '@cascade/common';
import { WriteRefusedError } from './errors.ts';

/** Which file a bounded write produces, for the refusal's code and advice. */
export interface BoundedFile {
  /** Stable error code, e.g. `version-file-too-large`. */
  code: string;
  /** What the client can do about it, as the end of a sentence. */
  remedy: string;
}

/** Version files: merged pushes only ever add fields. */
export const VERSION_FILE: BoundedFile = {
  code: 'version-file-too-large',
  remedy: 'fields once pushed stay in the file, so remove fields nothing uses any more with a commit, or push fewer or smaller fields',
};

/** locks.yaml: every lock adds a reason. */
export const LOCKS_FILE: BoundedFile = {
  code: 'locks-file-too-large',
  remedy: 'remove reasons that no longer apply (unlock) first, or shorten them with a commit',
};

/** Staging files: what a request sends is bounded, but secrets and many overrides add up. */
export const STAGING_FILE: BoundedFile = {
  code: 'staging-file-too-large',
  remedy: 'send fewer or smaller overrides, versions or secrets',
};

/** Throws `413 <kind.code>` when writing `next` at `path` would leave the file over the bound and larger than before. */
export function refuseOversizedWrite(kind: BoundedFile, path: string, next: string, existing: string | undefined): void {
  const size = oversizedWrite(next, existing);
  if (size === undefined) return;
  throw new WriteRefusedError(kind.code, 'too-large', `${path} would be ${kib(size)} KiB, over the ${kib(MAX_WRITTEN_FILE_BYTES)} KiB Cascade writes; ${kind.remedy}`, {
    file: path,
    size,
    limit: MAX_WRITTEN_FILE_BYTES,
  });
}

/** Throws `409 file-too-large` for a file over the read bound: Cascade never loads it, so only a person can shrink it. */
export function refuseUnreadableSize(path: string, file: RepoFile): void {
  if (file.kind !== 'file' || file.size <= MAX_FILE_BYTES) return;
  throw new WriteRefusedError('file-too-large', 'conflict', `${path} is ${kib(file.size)} KiB, over the ${kib(MAX_FILE_BYTES)} KiB Cascade reads; shrink it with a commit before Cascade can edit it`, {
    file: path,
    size: file.size,
    limit: MAX_FILE_BYTES,
  });
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(0);
}
