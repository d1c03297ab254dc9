// `cascade staging` end to end: the CLI in-process against a real aggregator on a socket and a real bare remote, with a
// stand-in deployer that keeps action records and control-script runs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StagingActionLog, StagingHistoryEntry, StagingList, StagingWriteResponse } from '@cascade/common/api';
import { generateAgeIdentity } from '@cascade/common/secrets';
import type { Role } from '@cascade/common/service';
import { roleTokens, startDeployerDouble, startHarness, stagingFixture, type DeployerDouble, type Harness } from '@cascade/aggregator/testing';
import { runCli } from '../testing/run-cli.ts';

const SECRET = 'stripe-canary-3f81a2';

let h: Harness;
let deployer: DeployerDouble;
beforeAll(async () => {
  const key = await generateAgeIdentity(new Date());
  const tokens = roleTokens();
  deployer = await startDeployerDouble(tokens);
  h = await startHarness({ fixture: stagingFixture({ recipient: key.recipient }), deployerUrl: deployer.url, tokens });
  process.env['CASCADE_URL'] = h.aggregator.url;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h?.cleanup();
  await deployer?.close();
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

  it('prints the deployer\'s action records and the control-script runs, then the staging\'s commits', async () => {
    await h.aggregator.refresh();
    deployer.actions.set('checkout', [
      { action: 'create', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:00:04.000Z', durationMs: 4000, result: 'succeeded', message: 'Running', commit: 'c0ffee1234' },
      { action: 'archive', startedAt: '2026-12-01T11:00:00.000Z', result: 'failed', message: 'archive exited with 2', commit: 'beef005678' },
    ]);
    deployer.runs.set('checkout/checkout', [
      { action: 'create', args: ['--project-name', 'Shop', '--name', 'checkout', '--application-config', 'GREETING=hello world'], startedAt: '2026-12-01T10:00:00.500Z', durationMs: 3200, exitCode: 0, timedOut: false, stdout: 'namespace created\nready\n', stderr: '' },
      { action: 'archive', args: ['--name', 'checkout'], startedAt: '2026-12-01T11:00:00.000Z', durationMs: 90_000, exitCode: 2, timedOut: false, stdout: '', stderr: 'volume busy \u001b[31m\n' },
    ]);
    const run = await staging('admin', 'logs', 'checkout');
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    const [actions, scripts, history] = run.stdout.split(/\n\n(?=CONTROL-SCRIPT RUNS|HISTORY)/);
    expect(actions?.split('\n')).toEqual([
      'ACTIONS',
      'STARTED              ACTION   RESULT     DURATION  COMMIT   MESSAGE',
      '2026-12-01 10:00:00  create   succeeded  4s        c0ffee1  Running',
      '2026-12-01 11:00:00  archive  failed     -         beef005  archive exited with 2',
    ]);
    expect(scripts?.split('\n')).toEqual([
      'CONTROL-SCRIPT RUNS',
      '2026-12-01 10:00:00  create  exit 0  3s200ms',
      '  $ create --project-name Shop --name checkout --application-config "GREETING=hello world"',
      '  stdout:',
      '    namespace created',
      '    ready',
      '2026-12-01 11:00:00  archive  exit 2  1m30s',
      '  $ archive --name checkout',
      '  stderr:',
      '    volume busy \\u001b[31m',
    ]);
    const historyActions = history?.split('\n').slice(2).map((line) => line.split(/ {2,}/)[2]);
    expect([history?.split('\n')[0], historyActions]).toEqual(['HISTORY', ['cleanup', 'restore', 'archive', 'update', 'create']]);

    const json = JSON.parse((await staging('admin', 'logs', 'checkout', '-o', 'json')).stdout) as StagingActionLog & { history: StagingHistoryEntry[] };
    expect([json.name, json.actions.map((a) => a.result), json.scriptRuns?.map((r) => r.exitCode), json.history.length, json.history[0]]).toEqual(['checkout', ['succeeded', 'failed'], [0, 2], 5, expect.objectContaining({ action: 'cleanup', author: 'admin-bot' })]);
  });

  it('refuses the action log to other roles with a hint, and shows them the commits with --history', async () => {
    const refused = await staging('operator', 'logs', 'checkout');
    expect(refused).toMatchObject({ exitCode: 1, stdout: '' });
    expect(refused.stderr).toContain('logs:read');
    expect(refused.stderr).toContain('hint: The action log and control-script output are for admin tokens (logs:read); cascade staging logs checkout --history');
    const history = await staging('viewer', 'logs', 'checkout', '--history');
    expect(history.exitCode).toBe(0);
    expect(history.stdout.split('\n')[0]).toMatch(/^COMMIT +TIME +ACTION +AUTHOR +SUBJECT$/);
    expect(history.stdout).not.toContain('ACTIONS');
    const json = JSON.parse((await staging('viewer', 'logs', 'checkout', '--history', '-o', 'json')).stdout) as { name: string; history: StagingHistoryEntry[] };
    expect([Object.keys(json), json.history.length]).toEqual([['name', 'history'], 5]);
  });

  it('exits 3 with advice when the deployer behind the aggregator is down', async () => {
    await deployer.close();
    const run = await staging('admin', 'logs', 'checkout');
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain('cannot be reached');
    expect(run.stderr).toContain('--history');
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
