// The "why not yet" of `cascade status` and `cascade promote`: per transition what waits to come in, what is held
// back, and each condition with its state, in the same words as the dashboard.
import type { AggregatorStatus } from '@cascade/common/api';
import { conditionsLine, outlookWords } from '@cascade/common/api';
import type { TransitionOutlook, TransitionResult, TransitionStatus } from '@cascade/common/status';
import { formatTable } from '../client/table.ts';

/** The transitioner's report of one transition, when it is reachable and reports it. */
function reportOf(status: AggregatorStatus, name: string): TransitionStatus | undefined {
  return status.transitioner.state === 'ok' ? status.transitioner.status.transitions.find((t) => t.name === name) : undefined;
}

/** `shop/cart 1.5.1 → 1.5.2`, or a count when there are more than two. */
function pendingText(outlook: TransitionOutlook): string {
  const moves = outlook.pending.map((p) => `${p.name} ${p.from ?? '(new)'} → ${p.to ?? '(removed)'}`);
  return moves.length === 0 ? '-' : moves.length <= 2 ? moves.join(', ') : `${moves.length} resources`;
}

/**
 * One row per transition into an environment (all, or only into `env`): INTO, FROM, WAITING, WHY, then a line per
 * held resource. Without the transitioner's outlook the waiting versions are compared here and WHY says why it is unknown.
 */
export function waitingTable(status: AggregatorStatus, now: Date, env?: string): string {
  const rows: string[][] = [];
  const held: string[] = [];
  for (const transition of status.transitions.filter((t) => env === undefined || t.target === env)) {
    const outlook = reportOf(status, transition.name)?.outlook;
    if (outlook) {
      const words = outlookWords(outlook, transition.source, now);
      const open = words.some((w) => w.state !== 'met');
      const why = outlook.pending.length === 0 ? 'up to date' : open ? conditionsLine(words) : `due now: ${conditionsLine(words)}`;
      rows.push([transition.target, transition.source, pendingText(outlook), why]);
      for (const h of outlook.held) held.push(`${transition.target}: ${h.name} held: ${h.message}`);
      continue;
    }
    const waiting = status.resources.filter((r) => r.envs[transition.source]?.version !== undefined && r.envs[transition.source]?.version !== r.envs[transition.target]?.version);
    const why = status.transitioner.state === 'ok' ? 'the transitioner reports no outlook yet' : 'the transitioner cannot be reached';
    rows.push([transition.target, transition.source, waiting.length === 0 ? '-' : `${waiting.length} resource(s)`, waiting.length === 0 ? 'up to date' : why]);
  }
  return [formatTable(['INTO', 'FROM', 'WAITING', 'WHY'], rows), ...(held.length > 0 ? ['', ...held] : [])].join('\n');
}

/** A promotion's result in words, and whether it counts as done (exit 0) or not (exit 1). */
export function promotionWords(transition: { name: string; source?: string; target?: string }, result: TransitionResult): { lines: string[]; ok: boolean } {
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
        case 'Scheduled':
          return { ok: false, lines: [`not promoted: the next window is ${result.reason.nextRun ?? 'never'}`] };
      }
      break;
    case 'Blocked':
      return { ok: false, lines: [`not promoted yet: ${result.message}`] };
    case 'CheckFailed':
      return { ok: false, lines: [`not promoted: ${result.message}`] };
  }
  return { ok: false, lines: ['not promoted'] };
}
