// Who locked what and when, as the status carries it (the commit that put each reason into locks.yaml), in the
// words of the header, the cells' hover and the resource page: a lock should say who to ask.
import type { LockOriginView } from '../api/wire.ts';
import { formatFull } from './time.ts';

/** One reason of a lock with who added it and when (ISO 8601), when the status knows. */
export interface LockLine {
  reason: string;
  by?: string;
  at?: string;
}

/** The reasons in their order, each with its origin from `origins` when there is one. */
export function lockLines(reasons: readonly string[], origins: readonly LockOriginView[] = []): LockLine[] {
  return reasons.map((reason) => {
    const origin = origins.find((candidate) => candidate.reason === reason);
    return origin ? { reason, by: origin.by, at: origin.at } : { reason };
  });
}

/** One reason in plain text for a hover: `release freeze (locked by Dana on 02/12/2026, 08:00:00)`. */
export function lockLineText(line: LockLine, formatTime: (iso: string) => string = formatFull): string {
  if (line.by === undefined) return line.reason;
  return `${line.reason} (locked by ${line.by}${line.at ? ` on ${formatTime(line.at)}` : ''})`;
}

/** A whole lock in one line for a hover: each reason with who and when, `; ` between them. */
export function lockText(lines: readonly LockLine[], formatTime?: (iso: string) => string): string {
  return lines.map((line) => lockLineText(line, formatTime)).join('; ');
}
