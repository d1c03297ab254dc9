// Signing in to the dashboard through a real OpenID Connect provider (oidc-provider, in-process) in Chromium: people
// in different groups get their role's controls, write under their own name, sign out; sessions that ended or were
// altered, ID tokens meant for another client and writes from another origin are refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCookieValue, type Session } from '@cascade/aggregator/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { exampleShopFixture } from './support/example-repo.ts';
import { freePort } from '../e2e/harness.ts';
import { pkcePair, startTestProvider, type ProviderUser, type TestProvider } from './support/oidc-provider.ts';

const USERS: ProviderUser[] = [
  { login: 'ann', name: 'Ann Example', email: 'ann@example.com', groups: ['qa', 'release-managers'] },
  { login: 'quinn', name: 'Quinn Tester', email: 'quinn@example.com', groups: ['qa'] },
  { login: 'mallory', name: 'Mallory Marketing', email: 'mallory@example.com', groups: ['marketing'] },
];
const SESSION_KEY = 's'.repeat(48);

let provider: TestProvider;
let dashboard: Dashboard;
let secrets: string;
/** When set, the aggregator receives this ID token from the provider's token endpoint instead of the real one. */
let swapIdToken: string | undefined;

/** The aggregator's way to the provider: the real fetch, with the token endpoint's ID token swapped when a test asks. */
const oidcFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (swapIdToken === undefined || !url.startsWith(`${provider.issuer}/token`)) return response;
  const body = (await response.json()) as Record<string, unknown>;
  return new Response(JSON.stringify({ ...body, id_token: swapIdToken }), { status: response.status, headers: { 'content-type': 'application/json' } });
};

beforeAll(async () => {
  secrets = await mkdtemp(join(tmpdir(), 'cascade-oidc-test-'));
  const port = await freePort();
  const redirectUrl = `http://127.0.0.1:${port}/auth/callback`;
  provider = await startTestProvider(USERS, redirectUrl);
  await writeFile(join(secrets, 'session.key'), SESSION_KEY);
  await writeFile(join(secrets, 'oidc-secret'), `${provider.clientSecret}\n`);
  await chmod(join(secrets, 'session.key'), 0o600);
  await chmod(join(secrets, 'oidc-secret'), 0o600);
  dashboard = await startDashboard({
    fixture: exampleShopFixture(),
    listen: `127.0.0.1:${port}`,
    oidcFetch,
    auth: [
      `sessionKeyFile: ${JSON.stringify(join(secrets, 'session.key'))}`,
      'contact: "the release team (#releases on Slack)"',
      'oidc:',
      `  issuer: ${JSON.stringify(provider.issuer)}`,
      '  clientId: cascade',
      `  clientSecretFile: ${JSON.stringify(join(secrets, 'oidc-secret'))}`,
      `  redirectUrl: ${JSON.stringify(redirectUrl)}`,
      '  scopes: [openid, profile, email, groups]',
      '  roles: { operator: [release-managers], viewer: [qa] }',
    ],
  });
});
afterAll(async () => {
  await dashboard?.cleanup();
  await provider?.close();
  await rm(secrets, { recursive: true, force: true });
});

const headerOf = (page: Page, env: string) => page.locator(`[role="columnheader"][data-env="${env}"]`);

/** Signs `login` in from the dashboard's own "Sign in", through the provider's login form, back to the matrix. */
async function signIn(page: Page, login: string): Promise<void> {
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** A session cookie as the aggregator would set it, signed with `key`. */
async function sessionCookie(context: BrowserContext, session: Session, key = SESSION_KEY): Promise<void> {
  await context.addCookies([{ name: 'cascade-session', value: await sessionCookieValue(session, key), url: dashboard.url }]);
}

describe('signing in through OIDC', () => {
  it('offers Sign in; an operator signs in, sees her controls, locks an environment under her own name, and signs out', async () => {
    const page = await dashboard.open();
    await page.getByTestId('sign-in').getByText('Sign in with your company account, or paste a token.').waitFor();
    await signIn(page, 'ann');
    const identity = page.getByTestId('identity');
    await identity.waitFor();
    expect(await identity.textContent()).toMatch(/Ann Example\s*operator/);
    const lock = headerOf(page, 'pp').getByRole('button', { name: 'Lock environment pp' });
    expect(await lock.getAttribute('aria-disabled')).not.toBe('true');
    await lock.click();
    await page.getByRole('dialog').getByLabel('Reason (required)').fill('release freeze for QA');
    await page.getByRole('dialog').getByRole('button', { name: 'Lock', exact: true }).click();
    await headerOf(page, 'pp').locator('[data-testid="env-lock"]', { hasText: 'release freeze for QA' }).waitFor();
    expect((await dashboard.fx.git('log', '-1', '--format=%an <%ae>', 'main')).trim()).toBe('Ann Example <ann@example.com>');
    expect(await dashboard.fx.git('log', '-1', '--format=%B', 'main')).toContain('Cascade-Requested-By: ann@example.com');
    // The history says who did it.
    await page.goto(`${dashboard.url}/#/history?type=Lock`);
    await page.locator('li[data-type="Lock"]', { hasText: 'Ann Example' }).first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByTestId('identity').count()).toBe(0);
    expect(await page.evaluate(`fetch('/api/v1/whoami').then((response) => response.status)`)).toBe(401);
  });

  it('gives a person in a viewer group the viewer role: lock controls disabled with the reason', async () => {
    const page = await dashboard.open();
    await signIn(page, 'quinn');
    await page.getByTestId('identity').waitFor();
    expect(await page.getByTestId('identity').textContent()).toMatch(/Quinn Tester\s*viewer/);
    const lock = headerOf(page, 'dev').getByRole('button', { name: 'Lock environment dev' });
    expect(await lock.getAttribute('aria-disabled')).toBe('true');
    expect(await lock.getAttribute('title')).toMatch(/viewer may not lock/);
  });

  it('refuses a person none of whose groups maps to a role, with a page saying whom to ask', async () => {
    const page = await dashboard.open();
    await signIn(page, 'mallory');
    await page.getByRole('heading', { name: 'No access to Cascade' }).waitFor();
    const text = await page.locator('body').textContent();
    expect(text).toContain('Mallory Marketing');
    expect(text).toContain('marketing');
    expect(text).toContain('the release team (#releases on Slack)');
    expect(await page.evaluate(`fetch('/api/v1/whoami').then((response) => response.status)`)).toBe(401);
  });

  it('refuses an ID token the provider issued for another client', async () => {
    const page = await dashboard.open();
    // A real, correctly signed token of this provider, meant for the other client.
    const pkce = pkcePair();
    let code: string | undefined;
    await page.context().route(`${provider.other.redirectUri}**`, async (route) => {
      code = new URL(route.request().url()).searchParams.get('code') ?? undefined;
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'the other app' });
    });
    const authorize = new URL(`${provider.issuer}/auth`);
    for (const [name, value] of Object.entries({ client_id: provider.other.clientId, response_type: 'code', scope: 'openid', redirect_uri: provider.other.redirectUri, state: 'st', nonce: 'nn', code_challenge: pkce.challenge, code_challenge_method: 'S256' })) authorize.searchParams.set(name, value);
    await page.goto(authorize.href);
    await page.locator('input[name="login"]').fill('ann');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByText('the other app').waitFor();
    const tokens = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${provider.other.clientId}:${provider.other.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: provider.other.redirectUri, code_verifier: pkce.verifier }),
    });
    swapIdToken = ((await tokens.json()) as { id_token: string }).id_token;
    try {
      await page.goto(dashboard.url);
      // The provider still knows Ann in this browser, so it sends her straight back with a code.
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
      expect(await page.locator('body').textContent()).toContain('issued for another client');
      expect(await page.evaluate(`fetch('/api/v1/whoami').then((response) => response.status)`)).toBe(401);
    } finally {
      swapIdToken = undefined;
    }
  });
});

describe('sessions', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const ann = (): Session => ({ sub: 'ann', name: 'Ann Example', email: 'ann@example.com', role: 'operator', csrf: 'csrf-of-ann', iat: now() - 60, exp: now() + 3600 });

  it('refuses a session that has ended: the page asks to sign in again', async () => {
    const page = await dashboard.open({ prepare: (context) => sessionCookie(context, { ...ann(), iat: now() - 13 * 3600, exp: now() - 3600 }) });
    await page.getByText('Your session has ended; sign in again').first().waitFor();
    expect(await page.evaluate(`fetch('/api/v1/whoami').then((response) => response.json()).then((body) => body.error.code)`)).toBe('session-expired');
  });

  it('refuses a cookie that was altered or signed with another key', async () => {
    const forged = await dashboard.open({ prepare: (context) => sessionCookie(context, { ...ann(), role: 'admin' }, 'a key someone guessed, long enough to sign') });
    await forged.getByText('Your session has ended; sign in again').first().waitFor();
    const page = await dashboard.open({ prepare: (context) => sessionCookie(context, ann()) });
    await page.getByTestId('identity').waitFor();
    const [cookie] = await page.context().cookies(dashboard.url);
    const [payload, signature] = decodeURIComponent(cookie!.value).split('.') as [string, string];
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), role: 'admin' })).toString('base64url');
    await page.context().addCookies([{ name: 'cascade-session', value: encodeURIComponent(`${promoted}.${signature}`), url: dashboard.url }]);
    expect(await page.evaluate(`fetch('/api/v1/whoami').then((response) => response.json()).then((body) => body.error.code)`)).toBe('session-invalid');
  });

  it('refuses a write from another origin that carries the session cookie', async () => {
    const page = await dashboard.open({ prepare: (context) => sessionCookie(context, ann()) });
    await page.getByTestId('identity').waitFor();
    const before = (await dashboard.fx.git('rev-parse', 'main')).trim();
    // Another port of the same host: the same site, so the Lax cookie goes along, but another origin.
    const evil: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<form method="post" action="${dashboard.url}/api/v1/locks" enctype="text/plain"><input name='{"env":"prod","reason":"x","pad":"' value='"}'></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const answered = page.waitForResponse((response) => response.url() === `${dashboard.url}/api/v1/locks`);
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const response = await answered;
      expect(response.status()).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cross-site-request');
      expect((await dashboard.fx.git('rev-parse', 'main')).trim()).toBe(before);
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});
