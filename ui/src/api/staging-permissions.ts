// Which staging controls a session may use, with the reason when it may not: the role matrix plus the aggregator's
// own staging rules (a ci token archives only through its branch's pipeline and never restores).
import type { StagingIntent } from './wire.ts';
import type { Action, Allowance } from './whoami.ts';

/** A control of the stagings pages. */
export type StagingControl = 'create' | 'edit' | 'archive' | 'restore' | 'cleanup' | 'actions';

const PERMISSION: Record<StagingControl, Action> = {
  create: 'stagings:write',
  edit: 'stagings:write',
  archive: 'stagings:write',
  restore: 'stagings:write',
  cleanup: 'stagings:cleanup',
  actions: 'logs:read',
};

/** What decides a staging control: the session's allowance per permission, its role, and the staging's intent. */
export interface StagingSession {
  may: (action: Action) => Allowance;
  /** The session's role, '' or undefined when it is not known. */
  role: string | undefined;
}

/** Whether `session` may use `control` on a staging in state `state` (undefined for create). */
export function stagingAllowance(session: StagingSession, control: StagingControl, state?: StagingIntent): Allowance {
  if (state === 'cleanup' && control !== 'actions') return { allowed: false, why: 'The staging is being cleaned up; nothing can change it any more' };
  const allowed = session.may(PERMISSION[control]);
  if (!allowed.allowed || session.role !== 'ci') return allowed;
  if (control === 'archive') return { allowed: false, why: 'A ci token archives only the staging of its own branch, from the pipeline (cascade staging archive --from-branch); an operator or admin token may archive here' };
  if (control === 'restore') return { allowed: false, why: 'Your role ci may not restore stagings; an operator or admin token may' };
  return allowed;
}
