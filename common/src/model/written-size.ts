// How large a file Cascade writes may grow. Merged pushes only ever add keys, so without a bound a version file would
// creep towards the 5 MB read bound (MAX_FILE_BYTES), past which its resource can no longer be read at all.

/** Largest file, in UTF-8 bytes, a Cascade write may leave behind (version files, locks.yaml). */
export const MAX_WRITTEN_FILE_BYTES = 256 * 1024;

/** The size in bytes of `next` when it is over MAX_WRITTEN_FILE_BYTES and larger than `existing`; undefined when the write may go ahead. */
export function oversizedWrite(next: string, existing: string | undefined): number | undefined {
  const size = Buffer.byteLength(next, 'utf8');
  if (size <= MAX_WRITTEN_FILE_BYTES) return undefined;
  // A write that shrinks a file a person made too large is let through: it is how the file gets back under the bound.
  return existing !== undefined && size < Buffer.byteLength(existing, 'utf8') ? undefined : size;
}
