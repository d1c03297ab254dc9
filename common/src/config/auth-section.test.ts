import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './errors.ts';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';

const FILE = '/etc/cascade/cascade.yaml';
const REPO = 'repo: { url: ../remote.git }\n';

function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(REPO + text, { file: FILE, env, home: '/home/ann' });
}

function problemsOf(text: string, env: Record<string, string> = {}): Array<Pick<ConfigProblem, 'code' | 'path'>> {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => ({ code: problem.code, path: problem.path }));
  }
  throw new Error('expected a ConfigError');
}

const OIDC = `aggregator:
  auth:
    sessionKeyFile: keys/session.key
    sessionTtl: 8h
    contact: "#platform on Slack"
    oidc:
      issuer: https://dex.example.com
      clientId: cascade
      clientSecretFile: /run/secrets/oidc-secret
      redirectUrl: https://cascade.example.com/auth/callback
      scopes: [openid, profile, email, groups]
      roles:
        admin: [platform]
        operator: [release-managers]
        viewer: [qa, pm]
`;

describe('aggregator.auth', () => {
  it('is tokens only by default: a 12 h session length and no ways in for people', () => {
    expect(parse('').aggregator.auth).toEqual({ sessionTtl: 12 * 3_600_000 });
  });

  it('reads OIDC with paths resolved next to the config file and the defaults filled in', () => {
    expect(parse(OIDC).aggregator.auth).toEqual({
      sessionKeyFile: '/etc/cascade/keys/session.key',
      sessionTtl: 8 * 3_600_000,
      contact: '#platform on Slack',
      oidc: {
        issuer: 'https://dex.example.com',
        clientId: 'cascade',
        clientSecretFile: '/run/secrets/oidc-secret',
        redirectUrl: 'https://cascade.example.com/auth/callback',
        scopes: ['openid', 'profile', 'email', 'groups'],
        groupsClaim: 'groups',
        roles: { admin: ['platform'], operator: ['release-managers'], viewer: ['qa', 'pm'] },
      },
    });
    expect(parse('aggregator:\n  auth:\n    oidc: { issuer: "http://127.0.0.1:5556/dex", clientId: c, redirectUrl: "http://localhost:7400/auth/callback", defaultRole: viewer }\n').aggregator.auth?.oidc).toMatchObject({
      scopes: ['openid', 'profile', 'email'],
      roles: {},
      defaultRole: 'viewer',
    });
  });

  it('lets the environment adjust OIDC values, never create the section', () => {
    expect(parse(OIDC, { CASCADE_AGGREGATOR_AUTH_OIDC_CLIENTID: 'cascade-prod', CASCADE_AGGREGATOR_AUTH_SESSIONTTL: '1h' }).aggregator.auth).toMatchObject({ sessionTtl: 3_600_000, oidc: { clientId: 'cascade-prod' } });
    expect(problemsOf('', { CASCADE_AGGREGATOR_AUTH_OIDC_ISSUER: 'https://dex.example.com' })).toEqual([{ code: 'unknown-env', path: '' }]);
  });

  it('refuses insecure or misplaced URLs, a missing openid scope, and a mapping that lets nobody in', () => {
    expect(problemsOf('aggregator:\n  auth:\n    oidc: { issuer: "http://dex.example.com", clientId: c, redirectUrl: "https://c.example.com/callback", scopes: [profile], roles: {} }\n')).toEqual([
      { code: 'invalid-value', path: 'aggregator.auth.oidc.issuer' },
      { code: 'invalid-value', path: 'aggregator.auth.oidc.redirectUrl' },
      { code: 'invalid-value', path: 'aggregator.auth.oidc.scopes' },
      { code: 'missing', path: 'aggregator.auth.oidc.roles' },
    ]);
    expect(problemsOf('aggregator:\n  auth:\n    oidc: { roles: { operators: [x] }, defaultRole: boss }\n')).toEqual([
      { code: 'missing', path: 'aggregator.auth.oidc.issuer' },
      { code: 'missing', path: 'aggregator.auth.oidc.clientId' },
      { code: 'missing', path: 'aggregator.auth.oidc.redirectUrl' },
      // Problems come in the order of their place in the file: the roles map starts before its unknown key.
      { code: 'missing', path: 'aggregator.auth.oidc.roles' },
      { code: 'unknown-key', path: 'aggregator.auth.oidc.roles.operators' },
      { code: 'invalid-value', path: 'aggregator.auth.oidc.defaultRole' },
    ]);
  });

  it('reads a trusted proxy with oauth2-proxy header names by default', () => {
    expect(parse('aggregator:\n  auth:\n    proxy: { trustedProxies: [10.0.0.0/8, "fd00::/8", 10.0.0.0/8, 192.168.1.7], roles: { operator: [sre] } }\n').aggregator.auth?.proxy).toEqual({
      userHeader: 'X-Auth-Request-Email',
      groupsHeader: 'X-Auth-Request-Groups',
      nameHeader: 'X-Auth-Request-Preferred-Username',
      trustedProxies: ['10.0.0.0/8', 'fd00::/8', '192.168.1.7/32'],
      roles: { operator: ['sre'] },
    });
  });

  it('refuses a proxy trusted from nowhere or from everywhere, and header names that are not names', () => {
    expect(problemsOf('aggregator:\n  auth:\n    proxy: { roles: { viewer: [qa] } }\n')).toEqual([{ code: 'missing', path: 'aggregator.auth.proxy.trustedProxies' }]);
    expect(problemsOf('aggregator:\n  auth:\n    proxy: { userHeader: "X Email", trustedProxies: [0.0.0.0/0, "::/0", 10.0.0.0/33, 7], defaultRole: viewer }\n')).toEqual([
      { code: 'invalid-value', path: 'aggregator.auth.proxy.userHeader' },
      { code: 'invalid-value', path: 'aggregator.auth.proxy.trustedProxies[0]' },
      { code: 'invalid-value', path: 'aggregator.auth.proxy.trustedProxies[1]' },
      { code: 'invalid-value', path: 'aggregator.auth.proxy.trustedProxies[2]' },
      { code: 'wrong-type', path: 'aggregator.auth.proxy.trustedProxies[3]' },
    ]);
  });

  it('reports unknown keys under auth', () => {
    expect(problemsOf('aggregator:\n  auth: { sessionKey: abc }\n')).toEqual([{ code: 'unknown-key', path: 'aggregator.auth.sessionKey' }]);
  });
});
