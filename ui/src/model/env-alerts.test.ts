import { describe, expect, it } from 'vitest';
import { buildDashboard } from './dashboard.ts';
import { envAlerts } from './env-alerts.ts';
import { resource, status } from './fixtures/status.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const HELD = { code: 'prune-held', message: 'pruning is held until the repo is fixed: dev/deployable: must be a folder' };
const REFUSED = { code: 'namespace-not-allowed', file: 'deployers.yaml', message: 'deployers.yaml puts environment pp in namespace kube-system, which target local does not allow' };

describe('envAlerts', () => {
  it('words each environment error for people, keeping the deployer’s message and file', () => {
    expect(envAlerts([HELD, REFUSED])).toEqual([
      { code: 'prune-held', short: 'pruning held', meaning: expect.stringMatching(/deletes nothing here/), message: HELD.message, tone: 'warn', blocksDeploy: false },
      { code: 'namespace-not-allowed', short: 'not deployed: namespace not allowed', meaning: expect.stringMatching(/^Nothing is deployed here/), message: REFUSED.message, file: 'deployers.yaml', tone: 'bad', blocksDeploy: true },
    ]);
    expect(envAlerts([{ code: 'unknown-target', message: 'm' }])[0]).toMatchObject({ short: 'not deployed: unknown target', blocksDeploy: true });
    expect(envAlerts([{ code: 'inventory-write-failed', message: 'm' }])[0]).toMatchObject({ short: 'pruning held: record not saved', tone: 'bad' });
    expect(envAlerts([{ code: 'internal-error', message: 'm' }])[0]).toMatchObject({ short: 'not deployed: deployer error', blocksDeploy: true });
  });

  it('says an unknown code as words and never takes an inherited property for wording', () => {
    expect(envAlerts([{ code: 'target-on-fire', message: 'm' }])[0]).toMatchObject({ short: 'target on fire', tone: 'bad', blocksDeploy: false });
    expect(envAlerts([{ code: 'constructor', message: 'm' }])[0]).toMatchObject({ short: 'constructor', message: 'm' });
    expect(envAlerts(undefined)).toEqual([]);
  });
});

describe('environment errors in the matrix', () => {
  it('puts them on the environment’s column, even while every resource is rolled out', () => {
    const board = buildDashboard(status([resource('cart', { latest: '1', dev: '1', pp: '1' })], { dev: { errors: [HELD] } }), NOW);
    const dev = board.envs.find((env) => env.name === 'dev')!;
    expect(dev.rollout).toBe('Clean');
    expect(dev.alerts.map((alert) => alert.short)).toEqual(['pruning held']);
    expect(board.envs.filter((env) => env.name !== 'dev').every((env) => env.alerts.length === 0)).toBe(true);
    expect(board.rows[0]!.cells[1]!.status).toBe('clean');
  });

  it('tells in each cell why an environment that deploys nothing has no report', () => {
    const board = buildDashboard(status([resource('cart', { latest: '1', dev: '1', pp: '1' })], { pp: { state: 'Failed', resources: [], errors: [REFUSED] } }), NOW);
    expect(board.envs[2]!.alerts[0]).toMatchObject({ short: 'not deployed: namespace not allowed', file: 'deployers.yaml' });
    expect(board.rows[0]!.cells[2]).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^Nothing is deployed here: deployers.yaml puts this environment in a Kubernetes namespace/) });
  });
});
