// Who the dashboard acts as, and what the UI lets them try: disabled controls say why.
import type { WhoamiResponse } from './wire.ts';

/** The identity behind the session's token (or the anonymous viewer); `role` is '' when only permissions are known. */
export type Whoami = WhoamiResponse;

/** A write the dashboard offers. */
export type Action = 'locks:write' | 'rollbacks:write';

/** Whether an action is offered: allowed, or disabled with a sentence for the tooltip. */
export type Allowance = { allowed: true } | { allowed: false; why: string };

const ACTION_WORDS: Record<Action, string> = {
  'locks:write': 'lock or unlock',
  'rollbacks:write': 'roll back',
};

/** Decides whether `who` may try `action`; undefined `who` means the identity is not known (the server decides). */
export function allowance(who: Whoami | undefined, action: Action): Allowance {
  if (who === undefined) return { allowed: true };
  if (who.permissions.includes(action)) return { allowed: true };
  if (who.anonymous) return { allowed: false, why: `Sign in with a token to ${ACTION_WORDS[action]}: anonymous viewing is read-only` };
  const yours = who.role ? `Your role ${who.role}` : 'Your token';
  return { allowed: false, why: `${yours} may not ${ACTION_WORDS[action]}; an operator or admin token may` };
}
