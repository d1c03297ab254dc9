// A transition's outlook in words, shared by the dashboard and the CLI: each condition with its state ("window Wed
// 06:00 Europe/Berlin (in 14 h)", "soak 0 of 60 min, until 21:23", "dev rolled out", "not locked"). A window is told
// in the schedule's own time zone, named, as the rule is written; other times are the reader's own; the full time in
// the reader's zone on hover. Pure and browser-safe.
import type { TransitionCondition, TransitionOutlook, TransitionResult } from '../status/transitioner.ts';
import { withReasonWords } from './rollout-words.ts';

/** One condition as shown: a short text, its state, and the full story for a hover. */
export interface ConditionWords {
  kind: TransitionCondition['kind'];
  /** `met` ✓, `waiting` (will hold by itself, in time), `held` (a person must act: a lock), `failed` (red). */
  state: 'met' | 'waiting' | 'held' | 'failed';
  text: string;
  title: string;
}

/** `Mon 06:00 Europe/Berlin`: a time in the given zone, named, so it reads the same for every reader. */
export function windowTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('weekday')} ${part('hour')}:${part('minute')} ${timeZone}`;
}

/** `21:23` in the viewer's time zone. */
export function localTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}

/** The full date and time, with the zone named: what a hover shows. */
export function fullTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso)) + ` (${timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone})`;
}

/** Words for one condition of a transition from `source`; `viewerZone` only for tests (default: the browser's). */
export function conditionWords(condition: TransitionCondition, source: string, now: Date, viewerZone?: string): ConditionWords {
  switch (condition.kind) {
    case 'NotLocked': {
      if (condition.met) return { kind: condition.kind, state: 'met', text: 'not locked', title: 'the environment is not locked' };
      const reasons = (condition.reasons ?? []).join('; ');
      return { kind: condition.kind, state: 'held', text: `held by lock${reasons ? `: ${reasons}` : ''}`, title: `locked${reasons ? `: ${reasons}` : ''}; unlock it to let promotions in` };
    }
    case 'Schedule': {
      const zone = condition.timezone ?? 'UTC';
      const rule = `schedule ${condition.schedule} ${zone}`;
      if (condition.met) return { kind: condition.kind, state: 'met', text: 'window open', title: `the window is open (${rule})` };
      if (condition.nextRun === undefined) return { kind: condition.kind, state: 'held', text: 'no window ahead', title: `the schedule never fires again (${rule})` };
      const text = `window ${windowWords(condition.nextRun, zone, now)}`;
      return { kind: condition.kind, state: 'waiting', text, title: `next window ${fullTime(condition.nextRun, viewerZone)}; ${rule}` };
    }
    case 'SourceClean': {
      if (condition.met) return { kind: condition.kind, state: 'met', text: `${source} rolled out`, title: `the deployer reports ${source} rolled out at its current versions` };
      if (condition.failed) return { kind: condition.kind, state: 'failed', text: `${source} failed to roll out`, title: condition.message ? withReasonWords(condition.message) : `the rollout of ${source} failed` };
      return { kind: condition.kind, state: 'waiting', text: `${source} rolling out`, title: condition.message ? withReasonWords(condition.message) : `waiting for ${source} to finish rolling out` };
    }
    case 'SoakTime': {
      const minutes = condition.minutes;
      if (condition.met) return { kind: condition.kind, state: 'met', text: `soaked ${minutes} min`, title: `the versions of ${source} have been in place for ${minutes} minutes or more` };
      if (condition.since === undefined || condition.until === undefined) {
        return { kind: condition.kind, state: 'waiting', text: `soak ? of ${minutes} min`, title: `cannot tell since when the versions of ${source} are in place` };
      }
      const elapsed = Math.max(0, Math.min(minutes, Math.floor((now.getTime() - Date.parse(condition.since)) / 60_000)));
      return {
        kind: condition.kind,
        state: 'waiting',
        text: `soak ${elapsed} of ${minutes} min, until ${localTime(condition.until, viewerZone)}`,
        title: `the versions of ${source} landed ${fullTime(condition.since, viewerZone)}; the soak ends ${fullTime(condition.until, viewerZone)}`,
      };
    }
  }
}

/** Every condition in words, in the order the transitioner checks them. */
export function outlookWords(outlook: TransitionOutlook, source: string, now: Date, viewerZone?: string): ConditionWords[] {
  return outlook.conditions.map((condition) => conditionWords(condition, source, now, viewerZone));
}

/** The conditions in one line, e.g. `window Wed 06:00 Europe/Berlin (in 14 h) ✗ · pp rolled out ✓ · not locked ✓`. */
export function conditionsLine(conditions: readonly ConditionWords[]): string {
  return conditions.map((condition) => `${condition.text} ${condition.state === 'met' ? '✓' : '✗'}`).join(' · ');
}

/** `Thu 06:00 Europe/Berlin (in 9 h)`: when a window opens, in `zone`, and how far ahead. */
function windowWords(iso: string, zone: string, now: Date): string {
  return `${windowTime(iso, zone)} (${ahead(iso, now)})`;
}

/** `in 5 min`, `in 3 h`, `in 2 d` for a time ahead; `now` once it has come. */
function ahead(iso: string, now: Date): string {
  const minutes = Math.ceil((Date.parse(iso) - now.getTime()) / 60_000);
  if (Number.isNaN(minutes)) return iso;
  if (minutes <= 0) return 'now';
  if (minutes < 60) return `in ${minutes} min`;
  if (minutes < 24 * 60 - 30) return `in ${Math.round(minutes / 60)} h`;
  return `in ${Math.max(1, Math.round(minutes / (24 * 60)))} d`;
}

/**
 * A promotion's result in words, and whether it counts as done (exit 0) or not (exit 1); a window ahead is told in the
 * schedule's zone when the transition names one, else in `viewerZone` (default: the reader's), named either way.
 */
export function promotionWords(
  transition: { name: string; source?: string; target?: string; timezone?: string },
  result: TransitionResult,
  now: Date,
  viewerZone?: string,
): { lines: string[]; ok: boolean } {
  const into = transition.target && transition.source ? `${transition.source} → ${transition.target}` : transition.name;
  const heldLines = (list: Array<{ name: string; message: string }> | undefined) => (list ?? []).map((h) => `held: ${h.name}: ${h.message}`);
  switch (result.kind) {
    case 'Success': {
      const moves = result.promoted.map((p) => `  ${p.name} ${p.from ?? '(new)'} → ${p.to ?? '(removed)'}`);
      return { ok: true, lines: [`promoted ${into}: commit ${result.commit.slice(0, 7)}`, ...moves, ...heldLines(result.held)] };
    }
    case 'Skipped':
      switch (result.reason.kind) {
        case 'NoChange':
          return { ok: true, lines: [`nothing to promote: ${transition.target ?? 'the target'} already has every version it may take`, ...heldLines(result.reason.held)] };
        case 'TargetLocked':
          return { ok: false, lines: [`not promoted: ${transition.target ?? 'the target'} is locked (${result.reason.reasons.join('; ')}); unlock it first`] };
        case 'SourceMissing':
          return { ok: false, lines: [`not promoted: ${transition.source ?? 'the source'} has no version files`] };
        case 'Scheduled': {
          const { nextRun } = result.reason;
          if (nextRun === undefined) return { ok: false, lines: ['not promoted: the schedule never opens a window again'] };
          const zone = transition.timezone ?? viewerZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
          return { ok: false, lines: [`not promoted: the next window is ${windowWords(nextRun, zone, now)}`] };
        }
      }
      break;
    case 'Blocked':
      return { ok: false, lines: [`not promoted yet: ${withReasonWords(result.message)}`] };
    case 'CheckFailed':
      return { ok: false, lines: [`not promoted: ${withReasonWords(result.message)}`] };
  }
  return { ok: false, lines: ['not promoted'] };
}
