// Reading a file's text from the tree a write is applied to, for editing it: edits keep comments and layout, so they
// start from the text. What exists and where is looked up in the parsed snapshot (head-snapshot.ts), not here.
import type { RepoFiles } from '@cascade/common';
import { UneditableFileError } from '@cascade/common';
import { refuseUnreadableSize } from './file-size.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A file's text for editing, or undefined when absent; throws when it is too large or not UTF-8. */
export function readText(files: RepoFiles, path: string): string | undefined {
  const file = files.files.get(path);
  if (!file) return undefined;
  refuseUnreadableSize(path, file);
  if (file.kind !== 'file' || file.content === undefined) throw new UneditableFileError(`${path} is not a regular file Cascade can read`);
  try {
    return decoder.decode(file.content);
  } catch {
    throw new UneditableFileError(`${path} is not valid UTF-8`);
  }
}
