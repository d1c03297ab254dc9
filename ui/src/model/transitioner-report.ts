// Reads one transition's last run out of the transitioner's status, which the aggregator passes through untyped.
import type { PeerStatus } from '../api/wire.ts';

/** What the transitioner last said about a transition. */
export type TransitionReport =
  /** The transitioner cannot be reached (or has not been polled yet). */
  | { kind: 'unreachable'; message: string }
  /** The transitioner answered but has no run of this transition to report. */
  | { kind: 'none' }
  /** Its last run: `result` as the transitioner names it (`Success`, `Skipped`, `Blocked`, …), with the reason. */
  | { kind: 'run'; result: string; reason?: string; at?: string; nextRun?: string };

type Loose = Record<string, unknown>;

/**
 * Finds `name` in the transitioner's status. Accepts `transitions` as a list of `{ name, … }` or a map by name, and
 * the last run either inline or under `last`/`lastRun`; tolerant because the shape is the transitioner's to define.
 */
export function transitionerReport(peer: PeerStatus<unknown>, name: string): TransitionReport {
  if (peer.state === 'unreachable') return { kind: 'unreachable', message: peer.message };
  if (peer.state === 'unknown') return { kind: 'unreachable', message: 'not polled yet' };
  const transitions = (peer.status as Loose | null)?.transitions;
  const entry = Array.isArray(transitions)
    ? (transitions as Loose[]).find((candidate) => candidate?.name === name)
    : (transitions as Record<string, Loose> | undefined)?.[name];
  if (entry === undefined || entry === null || typeof entry !== 'object') return { kind: 'none' };
  const last = pickObject(entry, 'last', 'lastRun', 'lastResult') ?? entry;
  const result = pickString(last, 'result', 'outcome', 'kind', 'state');
  if (result === undefined) return { kind: 'none' };
  const reason = pickString(last, 'reason', 'message');
  const at = pickString(last, 'at', 'time', 'finishedAt', 'startedAt');
  const nextRun = pickString(entry, 'nextRun', 'next');
  return { kind: 'run', result, ...(reason ? { reason } : {}), ...(at ? { at } : {}), ...(nextRun ? { nextRun } : {}) };
}

function pickString(object: Loose, ...keys: string[]): string | undefined {
  for (const key of keys) if (typeof object[key] === 'string') return object[key];
  return undefined;
}

function pickObject(object: Loose, ...keys: string[]): Loose | undefined {
  for (const key of keys) {
    const value = object[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Loose;
  }
  return undefined;
}
