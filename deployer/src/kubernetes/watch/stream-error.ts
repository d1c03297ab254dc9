// A watch stream that carried something other than events: the watch cannot tell what it missed, so it must end.

/** A watch stream sent a line that is not a JSON event; watching again resumes after the last whole event. */
export class WatchStreamError extends Error {
  /** Stable code for logs. */
  readonly code = 'watch-stream-malformed';
  constructor(readonly data: { line: string }) {
    super(`the watch stream sent a line that is not a JSON event: ${data.line.slice(0, 200)}`);
    this.name = 'WatchStreamError';
  }
}
