// The incoming transition of an environment in words: why nothing moves, or when it will.
import type { TransitionView } from '../api/wire.ts';
import { windowTime, type ConditionWords } from './outlook-words.ts';
import { withReasonWords } from './reason-words.ts';
import type { TransitionReport } from './transitioner-report.ts';

/** A sentence and how worried the header should look: red (`blocked`) only for failures; waits and locks are neutral. */
export interface IncomingWords {
  tone: 'ok' | 'waiting' | 'held' | 'blocked' | 'unknown';
  text: string;
}

/** What the sentence is decided from. */
export interface IncomingFacts {
  env: string;
  isFirst: boolean;
  incoming: TransitionView | undefined;
  envLockReasons: string[];
  /** Resources whose source version differs from this environment's (held ones aside). */
  waitingCount: number;
  /** Resources the transition holds back. */
  heldCount?: number;
  /** The versions waiting, for "waiting for dev to finish deploying 1.5.1". */
  waitingVersions?: string[];
  /** The transitioner's conditions in words; empty when it reports none. */
  conditions?: ConditionWords[];
  sourceRollout: string | undefined;
  report: TransitionReport;
  now: Date;
}

/** Describes the incoming transition, most decisive fact first: locks, then nothing to do, then what it waits for. */
export function describeIncoming(facts: IncomingFacts): IncomingWords {
  const { incoming } = facts;
  if (incoming === undefined) {
    return { tone: 'ok', text: facts.isFirst ? 'entry of the pipeline: versions are pushed here' : 'no transition leads here' };
  }
  const source = incoming.source;
  if (facts.envLockReasons.length > 0) return { tone: 'held', text: `held by lock: ${facts.envLockReasons.join('; ')}` };
  const held = facts.heldCount ? `; ${facts.heldCount} held` : '';
  if (facts.waitingCount === 0) return { tone: 'ok', text: `up to date with ${source}${held}` };
  const waiting = `${facts.waitingCount} waiting from ${source}`;
  const { report } = facts;
  const conditions = facts.conditions ?? [];
  if (conditions.length > 0) return fromConditions(conditions, source, waiting, facts.waitingVersions ?? []);
  if (report.kind === 'run' && /^(checkfailed|failed)$/i.test(report.result) && report.reason) return { tone: 'blocked', text: `blocked: ${withReasonWords(report.reason)}` };
  if (report.kind === 'run' && /^blocked$/i.test(report.result) && report.reason) return { tone: 'waiting', text: `waiting: ${withReasonWords(report.reason)}` };
  const needsClean = incoming.preconditions.some((precondition) => precondition.kind === 'SourceClean');
  if (needsClean && facts.sourceRollout === 'Failed') return { tone: 'blocked', text: `blocked: ${source} failed to roll out` };
  if (needsClean && facts.sourceRollout !== undefined && facts.sourceRollout !== 'Clean' && facts.sourceRollout !== 'NotDeployed') {
    const what = facts.sourceRollout === 'InProgress' || facts.sourceRollout === 'Outdated' ? 'to finish rolling out' : 'to report a clean rollout';
    return { tone: 'waiting', text: `waiting for ${source} ${what}` };
  }
  if (incoming.schedule !== undefined) {
    const next = (report.kind === 'run' ? report.nextRun : undefined) ?? incoming.state?.nextRun;
    const zone = incoming.timezone ?? 'UTC';
    if (next === undefined) return { tone: 'waiting', text: `${waiting}; scheduled ${incoming.schedule} ${zone}` };
    if (Date.parse(next) > facts.now.getTime()) return { tone: 'waiting', text: `next window ${windowTime(next, zone)}` };
  }
  if (report.kind === 'unreachable') return { tone: 'unknown', text: `${waiting}; transitioner unreachable` };
  if (report.kind === 'run' && report.reason && !/^success/i.test(report.result)) return { tone: 'waiting', text: `${waiting}: ${withReasonWords(report.reason)}` };
  return { tone: 'waiting', text: `${waiting}, due now` };
}

/** The header sentence from the transitioner's conditions: a failure in red, else the first wait in neutral words, else due. */
function fromConditions(conditions: ConditionWords[], source: string, waiting: string, versions: string[]): IncomingWords {
  const failed = conditions.find((condition) => condition.state === 'failed');
  if (failed) return { tone: 'blocked', text: `blocked: ${failed.text}` };
  const open = conditions.find((condition) => condition.state !== 'met');
  if (!open) return { tone: 'waiting', text: `${waiting}, due now` };
  if (open.kind === 'SourceClean') {
    const what = versions.length === 1 ? versions[0] : versions.length > 1 ? `${versions.length} versions` : 'its versions';
    return { tone: 'waiting', text: `waiting for ${source} to finish deploying ${what}` };
  }
  if (open.kind === 'Schedule') return { tone: 'waiting', text: `${waiting}; next ${open.text}` };
  return { tone: open.state === 'held' ? 'held' : 'waiting', text: `${waiting}; ${open.text}` };
}
