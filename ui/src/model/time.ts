// Times as people read them on the dashboard: relative for scanning, absolute on hover.

/** `5 min ago`, `3 h ago`, `2 d ago`, or the date for anything older than a month. */
export function formatAgo(iso: string, now: Date): string {
  const seconds = Math.round((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  if (seconds < 30 * 86_400) return `${Math.floor(seconds / 86_400)} d ago`;
  return new Date(iso).toLocaleDateString();
}

/** The full local date and time, for a `title` or `<time>` label. */
export function formatFull(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** The local date alone, e.g. for "set on …". */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString();
}
