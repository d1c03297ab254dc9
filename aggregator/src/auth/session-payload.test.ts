import { describe, expect, it } from 'vitest';
import { decodeFlow, decodeSession, encodePayload, type Session, type SignInFlow } from './session-payload.ts';

const session: Session = { sub: 'ann', name: 'Ann Example', email: 'ann@example.com', role: 'operator', csrf: 'c', iat: 1000, exp: 2000 };
const flow: SignInFlow = { state: 's', nonce: 'n', verifier: 'v', returnTo: '#/', exp: 2000 };

describe('session payloads', () => {
  it('read back what was written, until they end', () => {
    expect(decodeSession(encodePayload('session', session), 1999)).toEqual({ kind: 'valid', value: session });
    expect(decodeSession(encodePayload('session', session), 2000)).toEqual({ kind: 'expired' });
    expect(decodeFlow(encodePayload('flow', flow), 1500)).toEqual({ kind: 'valid', value: flow });
    expect(decodeFlow(encodePayload('flow', flow), 2001)).toEqual({ kind: 'expired' });
  });

  it('never take a flow for a session or the other way round', () => {
    expect(decodeSession(encodePayload('flow', flow), 0)).toEqual({ kind: 'malformed' });
    expect(decodeFlow(encodePayload('session', session), 0)).toEqual({ kind: 'malformed' });
  });

  it('refuse anything else: other roles, missing fields, odd times, not base64url JSON', () => {
    const bad = [
      encodePayload('session', { ...session, role: 'root' as Session['role'] }),
      encodePayload('session', { ...session, email: '' }),
      encodePayload('session', { ...session, exp: 1.5 }),
      encodePayload('session', { ...session, iat: -1 }),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      'not base64!',
      'A'.repeat(5000),
      '',
    ];
    for (const text of bad) expect([text.slice(0, 30), decodeSession(text, 0)]).toEqual([text.slice(0, 30), { kind: 'malformed' }]);
  });
});
