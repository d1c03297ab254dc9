// Who the dashboard acts as, and what the UI lets them try: disabled controls say why.

/** Answer of `GET /api/v1/whoami`: the identity behind the session's token (or the anonymous viewer). */
export interface Whoami {
  /** The token's name, which becomes the commit author; `anonymous` without a token. */
  name: string;
  role: string;
  anonymous: boolean;
  /** Permissions of the role, e.g. `read`, `locks:write`, `rollbacks:write`. */
  permissions: string[];
}

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
  return { allowed: false, why: `Your role ${who.role} may not ${ACTION_WORDS[action]}; operator or admin may` };
}
