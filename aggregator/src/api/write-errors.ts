// The one mapping from write failures to HTTP answers, used by the app's onError: refusals name the field, git trouble
// is a 503, nothing acknowledged. Handlers never catch these themselves.
import { UneditableFileError } from '@cascade/common';
import { GitCommandError, GitPushRejectedError, InvalidCommitMetadataError, InvalidEditPathError, redactCredentials } from '@cascade/common/git';
import { HttpError } from '@cascade/common/service';
import { WriteRefusedError, type RefusalReason } from '../writes/errors.ts';

const STATUS: Record<RefusalReason, number> = { unprocessable: 422, 'not-found': 404, conflict: 409, forbidden: 403, locked: 423, 'too-large': 413 };

/** Turns an error from planning or pushing a write into the HttpError the client gets; undefined for any other error. */
export function writeErrorToHttp(error: Error): HttpError | undefined {
  if (error instanceof WriteRefusedError) return new HttpError(STATUS[error.reason], error.code, error.message, error.data);
  if (error instanceof UneditableFileError) return new HttpError(409, error.code, error.message);
  if (error instanceof InvalidCommitMetadataError || error instanceof InvalidEditPathError) {
    return new HttpError(400, 'invalid-request', error.message, { field: error instanceof InvalidCommitMetadataError ? error.data.field : 'path' });
  }
  if (error instanceof GitPushRejectedError) {
    return new HttpError(503, 'repo-busy', `the resource repo kept moving: ${redactCredentials(error.message)}; nothing was written, retry`, { attempts: error.data.attempts });
  }
  if (error instanceof GitCommandError) {
    return new HttpError(503, 'repo-unavailable', `the resource repo cannot be reached (${redactCredentials(firstLine(error.data.stderr)) || 'git failed'}); nothing was written, retry later`);
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
