// The pages a person sees when a sign-in does not end in the dashboard: refused (no group gives a role) or failed.

/** What the refusal page says. */
export interface RefusalPage {
  name: string;
  email: string;
  /** The person's groups as the provider or proxy named them. */
  groups: readonly string[];
  /** Groups that would give a role. */
  grantingGroups: readonly string[];
  /** `aggregator.auth.contact`. */
  contact: string | undefined;
}

/** Whom to ask when the configuration names nobody (`aggregator.auth.contact`). */
export const DEFAULT_CONTACT = 'the people who run Cascade for your team';

/** The page for a person none of whose groups gives a role: who they are, what would let them in, and whom to ask. */
export function refusalPage(page: RefusalPage): string {
  const theirs = page.groups.length === 0 ? 'The sign-in named no groups for you.' : `Your groups: ${page.groups.map(code).join(', ')}.`;
  const needed = page.grantingGroups.length === 0 ? '' : ` Membership in one of ${page.grantingGroups.map(code).join(', ')} gives access.`;
  return document(
    'No access to Cascade',
    `<p>You are signed in as <strong>${escapeHtml(page.name)}</strong> (${escapeHtml(page.email)}), but none of your groups gives access to this Cascade dashboard.</p>
<p>${theirs}${needed}</p>
<p>Ask ${escapeHtml(page.contact ?? DEFAULT_CONTACT)} to add you to a group with access.</p>
<p><a href="/">Back to the dashboard</a> (read-only, if this installation allows anonymous viewing)</p>`,
  );
}

/** The page for a sign-in that failed: what went wrong in one sentence, and a way to try again. */
export function failurePage(reason: string): string {
  return document('Sign-in failed', `<p>${escapeHtml(reason)}</p>\n<p><a href="/auth/login">Try again</a> · <a href="/">Back to the dashboard</a></p>`);
}

/** Why a sign-in failed, in words for the page and the log; never quotes a token. */
export function describeSignInFailure(error: unknown): string {
  const coded = error as { code?: unknown; cause?: unknown; error?: unknown; error_description?: unknown; message?: unknown };
  // The provider answered the redirect with an error (the person cancelled, the client is not allowed, …).
  if (typeof coded.error === 'string') return `The sign-in provider refused: ${coded.error}${typeof coded.error_description === 'string' ? ` (${coded.error_description.slice(0, 200)})` : ''}.`;
  const claim = claimOf(coded.cause);
  switch (coded.code) {
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      if (claim === 'aud' || claim === 'azp') return 'The ID token was issued for another client (its audience is not this dashboard), so it was refused.';
      if (claim === 'iss') return 'The ID token comes from another issuer than the one configured, so it was refused.';
      if (claim === 'nonce') return 'The ID token does not belong to this sign-in (nonce mismatch), so it was refused.';
      return `The ID token's ${claim ?? 'claims'} did not match, so it was refused.`;
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return `The ID token is expired or not yet valid (${claim ?? 'time'}), so it was refused; check the clocks of the aggregator and the provider.`;
    case 'OAUTH_INVALID_RESPONSE':
      if (/signature/i.test(messageOf(coded.cause))) return "The ID token's signature does not verify with the provider's keys, so it was refused.";
      return 'The sign-in provider answered with something that is not a valid token response.';
    case 'OAUTH_PARSE_ERROR':
      return 'The sign-in provider answered with something that is not a valid token response.';
    default:
      return typeof coded.message === 'string' && coded.message !== '' ? `The sign-in could not be completed: ${coded.message.slice(0, 200)}.` : 'The sign-in could not be completed.';
  }
}

function messageOf(cause: unknown): string {
  const message = (cause as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : '';
}

function claimOf(cause: unknown): string | undefined {
  const nested = (cause as { cause?: { claim?: unknown } } | undefined)?.cause?.claim;
  return typeof nested === 'string' ? nested : undefined;
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Cascade</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#8882;padding:0 .2em;border-radius:3px}</style></head>
<body><h1>${title}</h1>
${body}
</body></html>`;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
