// `cascade staging` end to end: the CLI in-process against a real aggregator on a socket and a real bare remote.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StagingList, StagingWriteResponse } from '@cascade/common/api';
import { generateAgeIdentity } from '@cascade/common/secrets';
import type { Role } from '@cascade/common/service';
import { startHarness, stagingFixture, type Harness } from '@cascade/aggregator/testing';
import { runCli } from '../testing/run-cli.ts';

const SECRET = 'stripe-canary-3f81a2';

let h: Harness;
beforeAll(async () => {
  const key = await generateAgeIdentity(new Date());
  h = await startHarness({ fixture: stagingFixture({ recipient: key.recipient }) });
  process.env['CASCADE_URL'] = h.aggregator.url;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h?.cleanup();
});

/** Runs `cascade staging ARGS…` as `role`; nothing it prints may hold the secret. */
async function staging(role: Role, ...args: string[]) {
  process.env['CASCADE_TOKEN'] = h.tokens[role];
  const run = await runCli('staging', ...args);
  expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  return run;
}

describe('cascade staging deploy', () => {
  it('creates the branch\'s staging, then finds the same deploy unchanged', async () => {
    const args = ['deploy', '--from-branch', 'feature/JIRA-12_Login', '--kind', 'feature', '--tag', '1f3e9a2'];
    const first = await staging('ci', ...args);
    expect(first).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('staging feature-jira-12-login is created') });
    expect(first.stdout).toContain('https://feature-jira-12-login.shop.example.com');
    const again = await staging('ci', ...args, '-o', 'json');
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout) as StagingWriteResponse).toMatchObject({ status: 'unchanged', name: 'feature-jira-12-login', branch: 'feature/JIRA-12_Login' });
  });

  it('archives it by branch as ci, but not by name', async () => {
    const byName = await staging('ci', 'archive', 'feature-jira-12-login');
    expect(byName).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('a ci token archives only the staging of the branch it names') });
    const byBranch = await staging('ci', 'archive', '--from-branch', 'feature/JIRA-12_Login');
    expect(byBranch).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('is archived') });
  });
});

describe('cascade staging create, show, update, restore, cleanup, logs', () => {
  it('creates one with app and deployment config and a secret read from a file', async () => {
    const file = join(h.fx.dir, 'stripe.key');
    await writeFile(file, SECRET);
    const run = await staging('operator', 'create', 'checkout', '--kind', 'feature', '--tag', '1.8.0-rc.2', '--app', 'FEATURE_FLAGS=new-checkout', '--deployment', 'replicas=1', '--secret', `STRIPE_KEY=@${file}`);
    expect(run).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/staging checkout is created.*: commit [0-9a-f]{7}$/) });
    const text = (await h.fx.readFile('main', 'stagings/checkout.yaml')) as string;
    expect(text).not.toContain(SECRET);
    expect(parse(text)).toMatchObject({ kind: 'feature', tag: '1.8.0-rc.2', overrides: { app: { FEATURE_FLAGS: 'new-checkout' }, deployment: { replicas: 1 } }, secrets: { app: { STRIPE_KEY: expect.stringMatching(/^ENC\[AES256_GCM,/) } } });
  });

  it('lists the stagings with their state and link, as text and as JSON', async () => {
    await h.aggregator.refresh();
    const text = await staging('viewer', 'list');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^NAME +KIND +TAG +STATE/);
    expect(text.stdout).toMatch(/checkout +feature +1\.8\.0-rc\.2 +active +- +https:\/\/checkout\.shop\.example\.com +\S+ \S+ by operator-bot \(create\)/);
    expect(text.stdout).toContain('feature: 1/12 in use (template dev)');
    const json = JSON.parse((await staging('viewer', 'list', '-o', 'json')).stdout) as StagingList;
    expect(json.stagings.map((s) => [s.name, s.state])).toEqual([['checkout', 'active'], ['feature-jira-12-login', 'archived']]);
  });

  it('shows one with its settings, its secret (who set it, never the value) and its history', async () => {
    const run = await staging('viewer', 'show', 'checkout');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('checkout: kind feature, tag 1.8.0-rc.2, active');
    expect(run.stdout).toMatch(/app +FEATURE_FLAGS +\(hidden\)/);
    expect(run.stdout).toMatch(/secret +STRIPE_KEY +\(secret, set by operator-bot on \d{4}-\d\d-\d\d\)/);
    expect(run.stdout).toMatch(/[0-9a-f]{7} +\S+ \S+ +create +operator-bot +Create staging checkout/);
    expect((await staging('admin', 'show', 'checkout')).stdout).toMatch(/app +FEATURE_FLAGS +new-checkout/);
  });

  it('updates the tag, refuses an update without changes, restores and cleans up by role', async () => {
    expect(await staging('ci', 'update', 'checkout', '--tag', '1.8.0-rc.3')).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('is updated') });
    expect(parse((await h.fx.readFile('main', 'stagings/checkout.yaml')) as string)).toMatchObject({ tag: '1.8.0-rc.3' });
    expect((await staging('ci', 'update', 'checkout')).exitCode).toBe(2);
    expect((await staging('operator', 'archive', 'checkout')).exitCode).toBe(0);
    expect(await staging('ci', 'restore', 'checkout')).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('may not restore') });
    expect(await staging('operator', 'restore', 'checkout')).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('active again') });
    expect(await staging('operator', 'cleanup', 'checkout')).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('stagings:cleanup') });
    expect(await staging('admin', 'cleanup', 'checkout', '-o', 'json')).toMatchObject({ exitCode: 0, stdout: expect.stringContaining('"state": "cleanup"') });
  });

  it('prints the staging\'s action log from its commits, and says where control-script output is', async () => {
    await h.aggregator.refresh();
    const run = await staging('admin', 'logs', 'checkout');
    expect(run.exitCode).toBe(0);
    const actions = run.stdout.split('\n').slice(1).map((line) => line.split(/ {2,}/)[2]);
    expect(actions).toEqual(['cleanup', 'restore', 'archive', 'update', 'create']);
    expect(run.stderr).toContain("showing the staging's commits");
    const json = JSON.parse((await staging('admin', 'logs', 'checkout', '-o', 'json')).stdout) as { name: string; source: string; entries: Array<{ action: string; author: string }> };
    expect([json.name, json.source, json.entries.length, json.entries[0]]).toEqual(['checkout', 'history', 5, expect.objectContaining({ action: 'cleanup', author: 'admin-bot' })]);
  });
});

describe('mistakes', () => {
  it('exits 2 on usage mistakes without calling the aggregator', async () => {
    const before = await h.remoteCommits();
    for (const args of [['launch'], ['create', 'x', '--tag', '1'], ['create', 'x', '--kind', 'feature'], ['deploy', 'x', '--from-branch', 'b', '--kind', 'feature', '--tag', '1'], ['archive'], ['show'], ['create', 'x', '--kind', 'feature', '--tag', '1', '--secret', `KEY=${SECRET}`], ['create', 'x', '--kind', 'feature', '--tag', '1', '--app', 'NOVALUE'], ['list', '-o', 'yaml']]) {
      const run = await staging('operator', ...args);
      expect([args.join(' '), run.exitCode]).toEqual([args.join(' '), 2]);
    }
    expect(await h.remoteCommits()).toEqual(before);
  });

  it('exits 1 with the aggregator\'s message on a refusal, and 3 when it cannot be reached', async () => {
    const refused = await staging('operator', 'create', 'live', '--kind', 'feature', '--tag', '1');
    expect(refused).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('is environment prod\'s') });
    expect((await staging('viewer', 'show', 'nobody')).exitCode).toBe(1);
    process.env['CASCADE_URL'] = 'http://127.0.0.1:9';
    try {
      expect((await staging('ci', 'list')).exitCode).toBe(3);
    } finally {
      process.env['CASCADE_URL'] = h.aggregator.url;
    }
  });
});
