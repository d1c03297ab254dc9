// The "why not yet" of `cascade status`: per transition what waits to come in, what is held back, and each condition
// with its state, in the same words as the dashboard (and `cascade promote`'s answer in words, from common).
import type { AggregatorStatus } from '@cascade/common/api';
import { conditionsLine, outlookWords } from '@cascade/common/api';

import type { TransitionOutlook, TransitionStatus } from '@cascade/common/status';
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
