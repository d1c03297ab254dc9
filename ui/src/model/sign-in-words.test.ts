import { describe, expect, it } from 'vitest';
import { signInNotice } from './sign-in-words.ts';

const unauthorized = { code: 'unauthorized', message: 'the bearer token is not valid' };

describe('signInNotice', () => {
  it('greets a first visit without an error, offering a token or the company sign-in', () => {
    expect(signInNotice(unauthorized, { token: false, oidc: false })).toEqual({ hint: 'Paste a token to see what Cascade deploys.' });
    expect(signInNotice(undefined, { token: false, oidc: true })).toEqual({ hint: 'Sign in with your company account, or paste a token.' });
  });

  it('says plainly that a pasted token was not accepted, whatever the server called it', () => {
    for (const refusal of [unauthorized, { code: 'forbidden', message: 'x' }]) {
      expect(signInNotice(refusal, { token: true, oidc: false }).error).toBe('This token was not accepted.');
    }
    expect(signInNotice(unauthorized, { token: true, oidc: true }).hint).toContain('company account');
  });

  it('asks to sign in again when the session ended or cannot be read here', () => {
    for (const code of ['session-expired', 'session-invalid']) {
      expect(signInNotice({ code, message: 'your dashboard session has ended; sign in again' }, { token: false, oidc: true }).error).toBe('Your session has ended; sign in again.');
    }
  });

  it('passes on whom to ask when a person has no access, as a sentence', () => {
    const notice = signInNotice({ code: 'no-access', message: 'ann@example.com: none of your groups gives access to Cascade; ask the release team to add you' }, { token: false, oidc: true });
    expect(notice.error).toBe('ann@example.com: none of your groups gives access to Cascade; ask the release team to add you.');
  });

  it('never shows the server’s own words for an unknown refusal, nor its jargon anywhere', () => {
    const cases = [
      signInNotice({ code: 'something-new', message: 'send a bearer token to the aggregator' }, { token: false, oidc: false }),
      signInNotice({ code: 'proxy-identity-invalid', message: "the auth proxy's headers cannot be used: no email" }, { token: false, oidc: false }),
      signInNotice(unauthorized, { token: true, oidc: true }),
      signInNotice(unauthorized, { token: false, oidc: true }),
    ];
    for (const notice of cases) expect(`${notice.error ?? ''} ${notice.hint}`).not.toMatch(/aggregator|bearer/i);
    expect(cases[0]!.error).toBe('Cascade did not accept this sign-in.');
  });
});
