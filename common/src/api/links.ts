// Which link URLs a client may follow: a control script's `info` output is repo-controlled text, not a trusted URL.

/** Tells whether `url` is an absolute `http:` or `https:` URL, the only links the status and the dashboard carry. */
export function isWebLink(url: unknown): url is string {
  if (typeof url !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:';
}
