// A transition's outlook on the dashboard: the transitioner's outlook out of the status it passes through, and what
// it holds back. The words for each condition are common's, so the CLI says the same.
import type { PeerStatus, TransitionOutlook } from '../api/wire.ts';
export { conditionsLine, conditionWords, outlookWords, windowTime, type ConditionWords } from '@cascade/common/api';

/** The outlook the transitioner reports for a transition, or undefined when it reports none (unreachable, older). */
export function outlookOf(peer: PeerStatus<unknown>, name: string): TransitionOutlook | undefined {
  if (peer.state !== 'ok') return undefined;
  const transitions = (peer.status as { transitions?: unknown } | null)?.transitions;
  if (!Array.isArray(transitions)) return undefined;
  const entry = (transitions as Array<{ name?: unknown; outlook?: unknown }>).find((candidate) => candidate?.name === name);
  const outlook = entry?.outlook as TransitionOutlook | undefined;
  return outlook && Array.isArray(outlook.conditions) && Array.isArray(outlook.held) && Array.isArray(outlook.pending) ? outlook : undefined;
}

/** `held: dev was rolled back to 1.5.1; pp keeps 1.5.2` for a resource the outlook holds back, else undefined. */
export function heldWords(outlook: TransitionOutlook | undefined, resource: string): string | undefined {
  const held = outlook?.held.find((entry) => entry.name === resource);
  return held ? `held: ${held.message}` : undefined;
}

