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

/**
 * A time ahead (a deadline): `in 5 min`, `in 3 h`, `in 3 d`, rounded to the nearest unit, so a 3-day retention that
 * just began reads `in 3 d`; one that has passed reads as formatAgo.
 */
export function formatWhen(iso: string, now: Date): string {
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  if (seconds <= 0) return formatAgo(iso, now);
  if (seconds < 60) return 'in a minute';
  if (seconds < 3600) return `in ${Math.ceil(seconds / 60)} min`;
  if (seconds < 86_400 - 1800) return `in ${Math.round(seconds / 3600)} h`;
  if (seconds < 30 * 86_400) return `in ${Math.max(1, Math.round(seconds / 86_400))} d`;
  return `on ${new Date(iso).toLocaleDateString()}`;
}

/** A duration from the repo's config in words: `14 days`, `1 day`, `12 hours`, `30 minutes`. */
export function formatDuration(ms: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return plural(minutes, 'minute');
  if (minutes % (24 * 60) === 0 || minutes >= 7 * 24 * 60) return plural(Math.round(minutes / (24 * 60)), 'day');
  if (minutes % 60 === 0 || minutes >= 24 * 60) return plural(Math.round(minutes / 60), 'hour');
  return plural(minutes, 'minute');
}
