import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.ts';
import { describeSignInFailure, failurePage, refusalPage } from './sign-in-pages.ts';

describe('the refusal page', () => {
  it('says who is signed in, which groups would help and whom to ask, escaped', () => {
    const page = refusalPage({ name: 'Eve <script>', email: 'eve@example.com', groups: ['marketing'], grantingGroups: ['qa', 'release-managers'], contact: 'the platform team (#platform) & friends' });
    expect(page).toContain('Eve &lt;script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain('<code>marketing</code>');
    expect(page).toContain('<code>qa</code>, <code>release-managers</code>');
    expect(page).toContain('Ask the platform team (#platform) &amp; friends');
    expect(refusalPage({ name: 'a', email: 'a@b', groups: [], grantingGroups: [], contact: undefined })).toContain('Ask the people who run Cascade');
  });

  it('escapes the reason of a failed sign-in', () => {
    expect(failurePage('<b>no</b>')).toContain('&lt;b&gt;no&lt;/b&gt;');
  });
});

describe('describeSignInFailure', () => {
  const claimError = (claim: string) => Object.assign(new Error('unexpected JWT claim value encountered'), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', cause: { cause: { claim } } });
  it('names the check that failed', () => {
    expect(describeSignInFailure(claimError('aud'))).toContain('issued for another client');
    expect(describeSignInFailure(claimError('iss'))).toContain('another issuer');
    expect(describeSignInFailure(claimError('nonce'))).toContain('nonce');
    expect(describeSignInFailure(Object.assign(new Error('x'), { code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', cause: { cause: { claim: 'exp' } } }))).toContain('expired');
    expect(describeSignInFailure(Object.assign(new Error('x'), { code: 'OAUTH_INVALID_RESPONSE', cause: new Error('JWT signature verification failed') }))).toContain('signature');
    expect(describeSignInFailure(Object.assign(new Error('x'), { error: 'access_denied', error_description: 'The user cancelled' }))).toBe('The sign-in provider refused: access_denied (The user cancelled).');
  });
});

describe('safeReturnTo', () => {
  it('returns only to dashboard routes', () => {
    expect(safeReturnTo('#/resource/shop%2Fcart?env=dev')).toBe('#/resource/shop%2Fcart?env=dev');
    // The redirect is `/` plus this, so even `#//host` stays a fragment of the dashboard's own page.
    expect(safeReturnTo('#//evil.example')).toBe('#//evil.example');
    for (const target of [undefined, '', '//evil.example', 'https://evil.example', '/#/', '#/a b', '#/\u0000', '#/\r\nSet-Cookie: x', `#/${'a'.repeat(600)}`]) {
      expect([target, safeReturnTo(target)]).toEqual([target, '#/']);
    }
  });
});
