// Who the dashboard acts as, and what the UI lets them try: disabled controls say why.
import type { WhoamiResponse } from './wire.ts';

/** The identity behind the session's token or sign-in (or the anonymous viewer); `role` is '' when only permissions are known. */
export type Whoami = WhoamiResponse;

/** A write (or a read only some roles have) the dashboard offers. */
export type Action = 'locks:write' | 'rollbacks:write' | 'promotions:write' | 'stagings:write' | 'stagings:cleanup' | 'logs:read';

/** Whether an action is offered: allowed, or disabled with a sentence for the tooltip. */
export type Allowance = { allowed: true } | { allowed: false; why: string };

/** What each action is, in words, and which roles have it (the aggregator's role matrix). */
const ACTION_WORDS: Record<Action, { doing: string; who: string }> = {
  'locks:write': { doing: 'lock or unlock', who: 'an operator or admin token may' },
  'rollbacks:write': { doing: 'roll back', who: 'an operator or admin token may' },
  'promotions:write': { doing: 'promote', who: 'an operator or admin token may' },
  'stagings:write': { doing: 'create or change stagings', who: 'a ci, operator or admin token may' },
  'stagings:cleanup': { doing: 'clean up stagings', who: 'an admin token may' },
  'logs:read': { doing: 'read action logs and control-script output', who: 'an admin token may' },
};

/** Decides whether `who` may try `action`; undefined `who` means the identity is not known (the server decides). */
export function allowance(who: Whoami | undefined, action: Action): Allowance {
  if (who === undefined) return { allowed: true };
  const words = ACTION_WORDS[action];
  // The deployer keeps the action log and checks the caller's own token; a dashboard sign-in has none to pass on.
  if (action === 'logs:read' && who.person && !who.person.passedOn && who.permissions.includes(action)) return { allowed: false, why: `Only a token may ${words.doing}: the deployer checks it itself; use an admin token` };
  // The transitioner checks the caller itself: a signed-in person gets there only when the aggregator passes people on
  // with a delegating token of its own (aggregator.auth.peerTokenFile).
  if (action === 'promotions:write' && who.person && !who.person.passedOn && who.permissions.includes(action)) {
    return { allowed: false, why: 'Only a token may promote: the transitioner checks the caller’s own token, and a sign-in has none to pass on; use an operator token here or cascade promote' };
  }
  if (who.permissions.includes(action)) return { allowed: true };
  if (who.anonymous) return { allowed: false, why: `Sign in to ${words.doing}: anonymous viewing is read-only` };
  const yours = who.role ? `Your role ${who.role}` : 'Your token';
  return { allowed: false, why: `${yours} may not ${words.doing}; ${words.who}` };
}
