// Links the dashboard renders from the status: a control script's `info` output is repo-controlled text.
import { isWebLink } from '@cascade/common/api';

/** The URL to put in an `href`, or undefined for anything but http(s) (`javascript:`, `data:`, relative, garbage). */
export function safeHref(url: unknown): string | undefined {
  return isWebLink(url) ? url : undefined;
}
