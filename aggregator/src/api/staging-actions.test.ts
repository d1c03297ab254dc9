// A staging's action log through the aggregator, against a stand-in deployer on a socket that checks tokens as the
// deployer does: admins get the deployer's records and script runs; every other role, an unknown staging and a
// deployer that is down or answers nonsense get a clear refusal, and the deployer is asked only when it should be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StagingActionRecord } from '@cascade/common';
import type { ErrorBody, StagingActionLog, StagingScriptRun } from '@cascade/common/api';
import type { Role } from '@cascade/common/service';
import { roleTokens, startDeployerDouble, startHarness, stagingFixture, type DeployerDouble, type Harness } from '../testing/harness.ts';

/** Stands in for config a control script printed; it may reach an admin's answer, never a log. */
const PRINTED = 'printed-config-canary-5e1c';

let h: Harness;
let deployer: DeployerDouble;
beforeAll(async () => {
  const tokens = roleTokens();
  deployer = await startDeployerDouble(tokens);
  h = await startHarness({ fixture: stagingFixture({ limit: 50 }), deployerUrl: deployer.url, tokens });
  for (const name of ['checkout', 'quiet']) expect((await h.call('POST', '/api/v1/stagings', { role: 'operator', body: { name, kind: 'feature', tag: '1' } })).status).toBe(201);
  await h.aggregator.refresh();
});
afterAll(async () => {
  await h?.cleanup();
  await deployer?.close();
});

const created: StagingActionRecord = { action: 'create', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:00:04.000Z', durationMs: 4000, result: 'succeeded', message: 'Running', commit: 'c1' };
const updating: StagingActionRecord = { action: 'update', startedAt: '2026-12-01T11:00:00.000Z', result: 'pending', commit: 'c2' };
const createRun: StagingScriptRun = { action: 'create', args: ['--project-name', 'Shop', '--name', 'checkout', '--tag', '1'], startedAt: '2026-12-01T10:00:00.100Z', durationMs: 3200, exitCode: 0, timedOut: false, stdout: `using ${PRINTED}\n`, stderr: '' };
const failedCheck: StagingScriptRun = { action: 'check', args: ['--name', 'checkout'], startedAt: '2026-12-01T10:05:00.000Z', durationMs: 30_000, exitCode: null, timedOut: true, stdout: '', stderr: 'still waiting' };

async function actions(name: string, role?: Role): Promise<{ status: number; body: StagingActionLog & Partial<ErrorBody> }> {
  const res = await h.call('GET', `/api/v1/stagings/${name}/actions`, role ? { role } : {});
  return { status: res.status, body: (await res.json()) as StagingActionLog & Partial<ErrorBody> };
}

describe('GET /api/v1/stagings/{name}/actions', () => {
  it("gives an admin the deployer's action records and the staging's control-script runs, oldest first", async () => {
    deployer.actions.set('checkout', [created, updating]);
    // A field the API does not document stays at the deployer.
    deployer.runs.set('checkout/checkout', [{ ...createRun, configFile: '/tmp/x' } as StagingScriptRun, failedCheck]);
    const { status, body } = await actions('checkout', 'admin');
    expect(status).toBe(200);
    expect(body).toEqual({ name: 'checkout', actions: [created, updating], scriptRuns: [createRun, failedCheck] });
    expect(JSON.stringify(body)).not.toContain('configFile');
    // The double accepts only a token of its own list with logs:read: the aggregator sent the admin's.
    expect(deployer.requests.filter((r) => r.startsWith('GET /stagings') || r.startsWith('GET /logs'))).toEqual(['GET /stagings/checkout/actions', 'GET /logs/checkout/checkout']);
    expect(h.logs()).not.toContain(PRINTED);
  });

  it('leaves out scriptRuns for a staging without control-script runs (a kubernetes target)', async () => {
    const { status, body } = await actions('quiet', 'admin');
    expect([status, body]).toEqual([200, { name: 'quiet', actions: [] }]);
  });

  it('refuses every role without logs:read, and anonymous callers, without asking the deployer', async () => {
    const before = deployer.requests.length;
    const seen: Array<[string, number, string | undefined]> = [];
    for (const role of ['viewer', 'ci', 'operator', undefined] as const) {
      const { status, body } = await actions('checkout', role);
      seen.push([role ?? 'anonymous', status, body.error?.code]);
    }
    expect(seen).toEqual([
      ['viewer', 403, 'forbidden'],
      ['ci', 403, 'forbidden'],
      ['operator', 403, 'forbidden'],
      ['anonymous', 401, 'unauthorized'],
    ]);
    expect(deployer.requests.slice(before).filter((r) => !r.endsWith('/status'))).toEqual([]);
  });

  it('answers 404 unknown-staging for a staging without a file, and 400 for a name no staging could have', async () => {
    const before = deployer.requests.length;
    const missing = await actions('nobody', 'admin');
    expect([missing.status, missing.body.error?.code, missing.body.error?.details]).toEqual([404, 'unknown-staging', { field: 'name', name: 'nobody' }]);
    const bad = await actions('Not_A_Label', 'admin');
    expect([bad.status, bad.body.error?.code]).toEqual([400, 'invalid-request']);
    expect(deployer.requests.slice(before).filter((r) => !r.endsWith('/status'))).toEqual([]);
  });

  it('answers 502 deployer-failed when the deployer answers something that is not its log, naming the field', async () => {
    deployer.actions.set('checkout', [{ ...created, durationMs: '4s' } as unknown as StagingActionRecord]);
    const { status, body } = await actions('checkout', 'admin');
    expect([status, body.error?.code]).toEqual([502, 'deployer-failed']);
    expect(body.error?.message).toBe(`the deployer at ${deployer.url} answered something that is not a staging action log: actions[0].durationMs is not a number for staging checkout`);
    deployer.actions.set('checkout', [created]);
  });

  it('answers 502 deployer-refused when the deployer does not know the caller\'s token', async () => {
    deployer.trust(roleTokens());
    try {
      const { status, body } = await actions('checkout', 'admin');
      expect([status, body.error?.code, body.error?.details]).toEqual([502, 'deployer-refused', { deployer: deployer.url, deployerStatus: 401 }]);
    } finally {
      deployer.trust(h.tokens);
    }
    expect((await actions('checkout', 'admin')).status).toBe(200);
  });

  it('answers 503 deployer-unreachable when the deployer is down, and keeps serving', async () => {
    await deployer.close();
    const { status, body } = await actions('checkout', 'admin');
    expect([status, body.error?.code]).toEqual([503, 'deployer-unreachable']);
    expect(body.error?.message).toMatch(new RegExp(`^the deployer at ${deployer.url.replace(/[.]/g, '\\.')} cannot be reached \\(request failed \\(\\w+\\)\\); the action log of staging checkout is kept there$`));
    expect((await h.call('GET', '/api/v1/stagings/checkout', { role: 'admin' })).status).toBe(200);
    expect(h.logs()).not.toContain(PRINTED);
  });
});
