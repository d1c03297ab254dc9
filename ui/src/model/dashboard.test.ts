import { describe, expect, it } from 'vitest';
import { buildDashboard } from './dashboard.ts';
import { resource, status } from './fixtures/status.ts';

const NOW = new Date('2026-11-22T10:00:00Z'); // a Sunday

describe('buildDashboard', () => {
  it('orders rows by folder, then name, and columns in pipeline order', () => {
    const board = buildDashboard(status([resource('shop/cart', { latest: '1' }), resource('payments', { latest: '1' }), resource('shop/a', { latest: '1' })]), NOW);
    expect(board.rows.map((row) => [row.folder, row.name])).toEqual([['', 'payments'], ['shop', 'shop/a'], ['shop', 'shop/cart']]);
    expect(board.envs.map((env) => env.name)).toEqual(['latest', 'dev', 'pp', 'prod']);
  });

  it('marks a cell whose source environment has another version as waiting', () => {
    const board = buildDashboard(status([resource('cart', { latest: '2', dev: '2', pp: '1', prod: '1' })]), NOW);
    expect(board.rows[0]!.cells.map((cell) => cell.waiting)).toEqual([undefined, undefined, '2', undefined]);
    expect(board.envs.map((env) => env.waitingCount)).toEqual([0, 0, 1, 0]);
  });

  it('takes the status from the deployer, and calls a report about an older version outdated', () => {
    const view = resource('cart', { latest: '2', dev: '2', pp: '1' });
    const board = buildDashboard(
      status([view], {
        dev: { state: 'Failed', resources: [{ name: 'cart', state: 'Failed', version: '2', reason: 'ProgressDeadlineExceeded', errors: [{ code: 'x', file: 'dev/base/cart.yaml', message: 'bad image' }] }] },
        pp: { state: 'Clean', resources: [{ name: 'cart', state: 'Clean', version: '0.9', errors: [] }] },
      }),
      NOW,
    );
    const [latest, dev, pp, prod] = board.rows[0]!.cells;
    expect(latest!.status).toBe('repo');
    expect(dev).toMatchObject({ status: 'failed', reason: 'ProgressDeadlineExceeded', errors: [{ file: 'dev/base/cart.yaml', message: 'bad image' }] });
    expect(pp).toMatchObject({ status: 'outdated', reason: 'the deployer has not picked up 1 yet' });
    expect(prod!.status).toBe('absent');
  });

  it('says unknown with the reason when the deployer is unreachable, and warns about it', () => {
    const unreachable = { ...status([resource('cart', { latest: '1', dev: '1' })]), deployer: { state: 'unreachable' as const, url: 'u', since: '2026-11-22T09:00:00Z', message: 'ECONNREFUSED' } };
    const board = buildDashboard(unreachable, NOW);
    expect(board.rows[0]!.cells[1]).toMatchObject({ status: 'unknown', reason: 'the deployer cannot be reached' });
    expect(board.envs[1]!.rollout).toBe('Unknown');
    expect(board.peerWarnings[0]).toContain('ECONNREFUSED');
  });

  it('describes each environment’s incoming transition', () => {
    const base = status([resource('cart', { latest: '2', dev: '2', pp: '2', prod: '1' })], { dev: { state: 'InProgress' } });
    base.environments[3]!.lockReasons = [];
    const board = buildDashboard(base, NOW);
    expect(board.envs.map((env) => env.words.text)).toEqual(['entry of the pipeline: versions are pushed here', 'up to date with latest', 'up to date with dev', 'next window Mon 06:00 Europe/Berlin']);
    base.environments[3]!.lockReasons = ['release freeze'];
    expect(buildDashboard(base, NOW).envs[3]!.words).toEqual({ tone: 'blocked', text: 'blocked: prod locked' });
  });
});
