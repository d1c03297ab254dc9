// `aggregator.auth`: how people sign in to the dashboard besides tokens — OIDC sessions and trusted auth proxies.
import type { Node } from 'yaml';
import { isScalar } from 'yaml';
import { ROLES } from '../service/auth/roles.ts';
import type { Role } from '../service/auth/roles.ts';
import { parseCidr } from '../service/auth/trusted-proxies.ts';
import { isLoopbackHost } from '../service/http/listen.ts';
import { duration, oneOf, path, text } from './kinds.ts';
import type { MapReader, ScalarKind } from './reader.ts';
import { report } from './reader.ts';
import type { AggregatorAuthConfig, OidcConfig, ProxyAuthConfig, RoleMappingConfig } from './types.ts';

/** Default `aggregator.auth.sessionTtl`: a working day and then some, as Argo CD's default session. */
export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

/** The path the aggregator answers the OIDC provider's redirect on; `redirectUrl` must end in it. */
export const OIDC_CALLBACK_PATH = '/auth/callback';

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;
// A scope is a run of visible ASCII without `"` or `\` (RFC 6749, 3.3).
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;
const CLAIM_PATH = /^[^\p{Cc}\s]{1,200}$/u;

/** Reads `aggregator.auth`; `oidc` and `proxy` exist only when the file has them (the environment adjusts, never creates). */
export function readAggregatorAuth(section: MapReader): AggregatorAuthConfig {
  const sessionKeyFile = section.scalar('sessionKeyFile', path);
  const contact = section.scalar('contact', text(/^[^\p{Cc}]{1,300}$/u, 'one line of at most 300 characters'));
  const peerTokenFile = section.scalar('peerTokenFile', path);
  const auth: AggregatorAuthConfig = {
    ...(sessionKeyFile === undefined ? {} : { sessionKeyFile }),
    ...(peerTokenFile === undefined ? {} : { peerTokenFile }),
    sessionTtl: section.scalar('sessionTtl', duration(60_000, '1m'), DEFAULT_SESSION_TTL_MS)!,
    ...(contact === undefined ? {} : { contact }),
  };
  if (section.raw('oidc') !== undefined) {
    const oidc = readOidc(section.map('oidc'));
    if (oidc) auth.oidc = oidc;
  }
  if (section.raw('proxy') !== undefined) {
    const proxy = readProxy(section.map('proxy'));
    if (proxy) auth.proxy = proxy;
  }
  section.finish();
  return auth;
}

function readOidc(section: MapReader): OidcConfig | undefined {
  const issuer = section.scalar('issuer', secureUrl, { required: true });
  const clientId = section.scalar('clientId', text(/^[^\p{Cc}\s]{1,200}$/u, 'a client id without spaces'), { required: true });
  const clientSecretFile = section.scalar('clientSecretFile', path);
  const redirectUrl = section.scalar('redirectUrl', secureUrl, { required: true });
  if (redirectUrl !== undefined && new URL(redirectUrl).pathname !== OIDC_CALLBACK_PATH) {
    report(section.ctx, 'invalid-value', section.childPath('redirectUrl'), `must end in ${OIDC_CALLBACK_PATH}, where the aggregator answers the provider (e.g. https://cascade.example.com${OIDC_CALLBACK_PATH})`, section.raw('redirectUrl'));
  }
  const scopes = readStrings(section, 'scopes', SCOPE, 'a scope like openid or groups') ?? ['openid', 'profile', 'email'];
  if (!scopes.includes('openid')) report(section.ctx, 'invalid-value', section.childPath('scopes'), 'must include openid', section.raw('scopes'));
  const groupsClaim = section.scalar('groupsClaim', text(CLAIM_PATH, 'a claim name like groups'), 'groups')!;
  const mapping = readRoleMapping(section);
  section.finish();
  if (issuer === undefined || clientId === undefined || redirectUrl === undefined || mapping === undefined) return undefined;
  return { issuer, clientId, ...(clientSecretFile === undefined ? {} : { clientSecretFile }), redirectUrl, scopes, groupsClaim, ...mapping };
}

function readProxy(section: MapReader): ProxyAuthConfig | undefined {
  const headerName = text(HEADER_NAME, 'an HTTP header name like X-Auth-Request-Email');
  const userHeader = section.scalar('userHeader', headerName, 'X-Auth-Request-Email')!;
  const groupsHeader = section.scalar('groupsHeader', headerName, 'X-Auth-Request-Groups')!;
  const nameHeader = section.scalar('nameHeader', headerName, 'X-Auth-Request-Preferred-Username')!;
  const trustedProxies = readTrustedProxies(section);
  const mapping = readRoleMapping(section);
  section.finish();
  if (mapping === undefined) return undefined;
  return { userHeader, groupsHeader, nameHeader, trustedProxies, ...mapping };
}

/** `trustedProxies`: CIDR ranges, at least one, none trusting every address. */
function readTrustedProxies(section: MapReader): string[] {
  const key = 'trustedProxies';
  const ranges: string[] = [];
  const nodes = section.list(key);
  if (nodes.length === 0) report(section.ctx, 'missing', section.childPath(key), 'must list the addresses of the auth proxy, e.g. [10.0.0.0/8]; headers from any other address are ignored', section.raw(key) ?? section.node);
  nodes.forEach((node, index) => {
    const at = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string') return report(section.ctx, 'wrong-type', at, 'must be an IP range like 10.0.0.0/8 (a string)', node);
    const parsed = parseCidr(node.value.trim());
    if ('error' in parsed) return report(section.ctx, 'invalid-value', at, parsed.error, node);
    // Anyone could then name themselves in a header; an operator who means "no proxy" leaves proxy out.
    if (parsed.prefix === 0) return report(section.ctx, 'invalid-value', at, 'trusts every address, so anyone could claim to be anyone; name the proxy\'s addresses', node);
    ranges.push(`${parsed.address}/${parsed.prefix}`);
  });
  return [...new Set(ranges)];
}

/** `roles` and `defaultRole`; undefined (reported) when nobody could get in at all. */
function readRoleMapping(section: MapReader): RoleMappingConfig | undefined {
  const roles: Partial<Record<Role, string[]>> = {};
  const rolesNode = section.raw('roles');
  const rolesMap = section.map('roles');
  for (const role of ROLES) {
    const groups = readStrings(rolesMap, role, /^[^\p{Cc}]{1,200}$/u, 'a group name');
    if (groups !== undefined && groups.length > 0) roles[role] = groups;
  }
  rolesMap.finish();
  const defaultRole = section.scalar('defaultRole', oneOf(ROLES));
  if (Object.keys(roles).length === 0 && defaultRole === undefined) {
    report(section.ctx, 'missing', section.childPath('roles'), 'must map at least one group to a role (e.g. roles: { operator: [release-managers] }), or set defaultRole; otherwise nobody could sign in', rolesNode ?? section.node);
    return undefined;
  }
  return { roles, ...(defaultRole === undefined ? {} : { defaultRole }) };
}

/** A list of strings under `key` each matching `pattern`; undefined when the key is absent. Lists cannot come from the environment. */
function readStrings(section: MapReader, key: string, pattern: RegExp, what: string): string[] | undefined {
  if (section.raw(key) === undefined) return undefined;
  const values: string[] = [];
  section.list(key).forEach((node: Node, index) => {
    const at = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string') return report(section.ctx, 'wrong-type', at, `must be ${what} (a string)`, node);
    if (!pattern.test(node.value)) return report(section.ctx, 'invalid-value', at, `must be ${what} (got ${JSON.stringify(node.value)})`, node);
    values.push(node.value);
  });
  return [...new Set(values)];
}

/** An https URL, or http on a loopback host (a provider on the same machine, tests); no credentials, query or fragment. */
const secureUrl: ScalarKind<string> = {
  fromYaml: (value, ctx) => (typeof value === 'string' ? checkSecureUrl(value) : text().fromYaml(value, ctx)),
  fromEnv: (value) => checkSecureUrl(value),
};

function checkSecureUrl(value: string): { value: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `must be an https:// URL (got ${JSON.stringify(value)})` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(host))) return { error: 'must be an https:// URL (http:// only on a loopback address)' };
  if (url.username || url.password) return { error: 'must not contain credentials' };
  if (url.search || url.hash) return { error: 'must not have a query or a fragment' };
  // Kept as written: the issuer is compared with the provider's own `iss` character for character.
  return { value };
}
