// What Cascade's middleware puts on a Hono context, shared by the HTTP base and the auth middleware.
import type { Context } from 'hono';
import type { Identity } from '../auth/tokens.ts';
import type { Logger } from '../logger/logger.ts';

/** The Hono environment of every Cascade service app. */
export interface ServiceEnv {
  Variables: {
    /** Request id, echoed as `x-request-id` and included in 500 bodies so a user can quote it. */
    requestId: string;
    /** The service logger with the request id bound. */
    logger: Logger;
    /** Set by the auth middleware once a request is authenticated. */
    identity?: Identity;
  };
}

/** The authenticated identity of a request, or undefined before/without authentication. */
export function getIdentity(c: Context<ServiceEnv>): Identity | undefined {
  return c.get('identity');
}
