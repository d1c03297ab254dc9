// What the sign-in card says when Cascade refuses the session: said once, in words for people, and never to be
// confused with Cascade being unreachable (the connection banner says that).

/** A refusal of the session as the server answered it (401 or 403): its stable code and its message. */
export interface SessionRefusal {
  code: string;
  message: string;
}

/** The sign-in card's words. */
export interface SignInNotice {
  /** What went wrong with the last try (a token not accepted, a session that ended); absent on a first visit. */
  error?: string;
  /** What to do now. */
  hint: string;
}

/** The sign-in card's words for a refused session, given whether a token was tried and whether company sign-in is offered. */
export function signInNotice(refusal: SessionRefusal | undefined, options: { token: boolean; oidc: boolean }): SignInNotice {
  const signInOrToken = options.oidc ? 'Sign in with your company account, or paste a token.' : 'Paste a token to see what Cascade deploys.';
  // A pasted token that comes back refused is the token's fault, whatever the code: say so, not the server's jargon.
  if (options.token) return { error: 'This token was not accepted.', hint: options.oidc ? 'Check that you pasted all of it, paste another, or sign in with your company account.' : 'Check that you pasted all of it, or paste another.' };
  switch (refusal?.code) {
    case undefined:
    case 'unauthorized':
      // Nothing was tried yet: no error, only the way in.
      return { hint: signInOrToken };
    case 'session-expired':
    case 'session-invalid':
      return { error: 'Your session has ended; sign in again.', hint: signInOrToken };
    case 'no-access':
      // The server names the person, the groups that would grant access and whom to ask.
      return { error: withFullStop(refusal.message), hint: 'Or paste a token.' };
    case 'proxy-identity-invalid':
      return { error: 'Your company sign-in reached Cascade incomplete; ask whoever runs Cascade to check the sign-in proxy.', hint: 'Or paste a token.' };
    default:
      return { error: 'Cascade did not accept this sign-in.', hint: signInOrToken };
  }
}

/** `text` ending in a full stop; the first letter stays, since the server's sentence may start with an email address. */
function withFullStop(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
