import { describe, expect, it } from 'vitest';
import { decideCsrf, isSameOrigin, type CsrfInput } from './csrf.ts';

const write: CsrfInput = {
  method: 'POST',
  ambient: true,
  origin: 'https://cascade.example.com',
  secFetchSite: 'same-origin',
  host: 'cascade.example.com',
  trustedOrigins: [],
  expectedToken: 'session-csrf',
  presentedToken: 'session-csrf',
};

describe('decideCsrf', () => {
  it('lets reads through, and every write with a bearer token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(decideCsrf({ ...write, method, origin: 'https://evil.example', presentedToken: undefined })).toEqual({ allowed: true });
    expect(decideCsrf({ ...write, ambient: false, origin: 'https://evil.example', secFetchSite: 'cross-site', presentedToken: undefined })).toEqual({ allowed: true });
  });

  it('lets a same-origin write with the session token through', () => {
    expect(decideCsrf(write)).toEqual({ allowed: true });
    // Behind a TLS proxy the aggregator sees plain http for the same host.
    expect(decideCsrf({ ...write, host: 'cascade.example.com' })).toEqual({ allowed: true });
  });

  it('refuses a cookie write from another origin, site or nowhere', () => {
    for (const change of [
      { origin: 'https://evil.example', secFetchSite: 'cross-site' },
      { origin: 'https://evil.example', secFetchSite: undefined },
      // Another port on the same host is the same site (cookies go along) but another origin.
      { origin: 'https://cascade.example.com:8443', secFetchSite: undefined },
      { origin: 'https://cascade.example.com', secFetchSite: 'same-site' },
      { origin: 'null', secFetchSite: undefined },
      { origin: undefined, secFetchSite: undefined },
      { origin: 'https://cascade.example.com.evil.example', secFetchSite: undefined },
    ]) {
      expect([change, decideCsrf({ ...write, ...change }).allowed]).toEqual([change, false]);
    }
  });

  it('refuses a session write without its token, or with another', () => {
    expect(decideCsrf({ ...write, presentedToken: undefined })).toMatchObject({ allowed: false, reason: expect.stringContaining('x-cascade-csrf') });
    expect(decideCsrf({ ...write, presentedToken: 'session-csrf-x' }).allowed).toBe(false);
    expect(decideCsrf({ ...write, presentedToken: '' }).allowed).toBe(false);
  });

  it('needs no token for a proxy person, only the origin', () => {
    expect(decideCsrf({ ...write, expectedToken: undefined, presentedToken: undefined })).toEqual({ allowed: true });
    expect(decideCsrf({ ...write, expectedToken: undefined, presentedToken: undefined, origin: undefined })).toEqual({ allowed: true });
    expect(decideCsrf({ ...write, expectedToken: undefined, origin: 'https://evil.example', secFetchSite: undefined }).allowed).toBe(false);
  });
});

describe('isSameOrigin', () => {
  it('compares host and port with the Host header, or the trusted origins exactly', () => {
    expect(isSameOrigin('http://127.0.0.1:7400', '127.0.0.1:7400', [])).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:7401', '127.0.0.1:7400', [])).toBe(false);
    expect(isSameOrigin('https://Cascade.Example.com', 'cascade.example.com', [])).toBe(true);
    expect(isSameOrigin('https://cascade.example.com', 'internal:7400', ['https://cascade.example.com'])).toBe(true);
    expect(isSameOrigin('https://cascade.example.com', undefined, [])).toBe(false);
    for (const origin of ['https://user@cascade.example.com', 'https://cascade.example.com/path', 'javascript:alert(1)', 'cascade.example.com', '']) {
      expect([origin, isSameOrigin(origin, 'cascade.example.com', ['https://cascade.example.com'])]).toEqual([origin, false]);
    }
  });
});
