// `cascade status` in words: each lock with its reason, who locked and when; rollouts without Kubernetes codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@cascade/common/service';
import { roleTokens, startDeployerDouble, startHarness, type DeployerDouble, type Harness } from '@cascade/aggregator/testing';
import { runCli } from '../testing/run-cli.ts';

let h: Harness;
let deployer: DeployerDouble;
beforeAll(async () => {
  const tokens = roleTokens();
  deployer = await startDeployerDouble(tokens);
  h = await startHarness({ deployerUrl: deployer.url, tokens });
  process.env['CASCADE_URL'] = h.aggregator.url;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h?.cleanup();
  await deployer?.close();
});

/** Runs `cascade ARGS…` as `role`. */
function run(role: Role, ...args: string[]) {
  process.env['CASCADE_TOKEN'] = h.tokens[role];
  return runCli(...args);
}

describe('cascade status', () => {
  it('says why each environment and resource is locked, who locked it and when', async () => {
    expect((await run('operator', 'lock', 'prod', '--reason', 'release freeze until Monday')).exitCode).toBe(0);
    expect((await run('operator', 'lock', 'dev', 'shop/cart', '--reason', 'incident 4711')).exitCode).toBe(0);
    await h.aggregator.refresh();
    const when = /\d{4}-\d\d-\d\d \d\d:\d\d UTC/.source;
    const matrix = await run('viewer', 'status');
    expect(matrix.exitCode).toBe(0);
    expect(matrix.stdout).toMatch(/shop\/cart\s+\S+\s+\S+ \[locked\]/);
    expect(matrix.stdout).toMatch(new RegExp(`prod is locked: release freeze until Monday \\(by operator-bot, ${when}\\)`));
    expect(matrix.stdout).toMatch(new RegExp(`shop/cart in dev is locked: incident 4711 \\(by operator-bot, ${when}\\)`));
    const dev = await run('viewer', 'status', 'dev');
    expect(dev.stdout).toMatch(new RegExp(`shop/cart\\s+\\S+\\s+\\S+\\s+incident 4711 \\(by operator-bot, ${when}\\)`));
    const prod = await run('viewer', 'status', 'prod');
    expect(prod.stdout).toMatch(new RegExp(`^prod is locked: release freeze until Monday \\(by operator-bot, ${when}\\)`, 'm'));
    const json = JSON.parse((await run('viewer', 'status', 'prod', '-o', 'json')).stdout) as { environment: { lockOrigins: unknown[] } };
    expect(json.environment.lockOrigins).toEqual([expect.objectContaining({ reason: 'release freeze until Monday', by: 'operator-bot' })]);
  });

  it('says a rollout in words, not in Kubernetes codes', async () => {
    deployer.status = {
      environments: [
        { env: 'dev', target: 'local', state: 'InProgress', resources: [{ name: 'shop/cart', state: 'InProgress', reason: 'NotAllReady 1/2', errors: [] }] },
        { env: 'prod', target: 'local', state: 'InProgress', resources: [{ name: 'shop/cart', state: 'InProgress', reason: 'NotYetObserved 1/2', errors: [] }] },
      ],
    };
    await h.aggregator.state.refreshPeers();
    const matrix = await run('viewer', 'status');
    expect(matrix.stdout).toContain('starting: 1 of 2 pods ready');
    expect(matrix.stdout).toContain('waiting for Kubernetes to pick up the change');
    expect(matrix.stdout).not.toMatch(/NotAllReady|NotYetObserved|InProgress/);
    const dev = await run('viewer', 'status', 'dev');
    expect(dev.stdout).toMatch(/shop\/cart\s+\S+\s+starting: 1 of 2 pods ready/);
  });
});
