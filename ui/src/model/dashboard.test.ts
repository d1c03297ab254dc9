import { describe, expect, it } from 'vitest';
import { buildDashboard, DashboardMemo } from './dashboard.ts';
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
    expect(buildDashboard(base, NOW).envs[3]!.words).toEqual({ tone: 'held', text: 'held by lock: release freeze' });
  });

  it('shows a downgrade the transition holds back as held, not waiting, from the transitioner or from a rollback lock alone', () => {
    const rolledBack = resource('shop/cart', { latest: '1.5.2', dev: '1.5.1', pp: '1.5.2', prod: '1.5.2' }, { dev: ['rolled back to 1.5.1 by alice'] });
    const alone = buildDashboard(status([rolledBack]), NOW);
    const pp = alone.rows[0]!.cells[2]!;
    expect(pp).toMatchObject({ held: 'held: dev was rolled back to 1.5.1; pp keeps 1.5.2' });
    expect(pp.waiting).toBeUndefined();
    expect(alone.envs[2]).toMatchObject({ waitingCount: 0, heldCount: 1, words: { tone: 'ok', text: 'up to date with dev; 1 held' } });
    const older = resource('shop/cart', { latest: '1.5.2', dev: '1.5.1', pp: '1.5.2', prod: '1.5.2' }, { dev: ['comparing'] });
    const withOutlook = status([older]);
    const held = [{ name: 'shop/cart', file: 'dev/version/shop/cart.yaml', code: 'older-version', message: 'dev has 1.5.1, which entered the pipeline before 1.5.2; pp keeps 1.5.2' }];
    withOutlook.transitioner = { state: 'ok', url: '', fetchedAt: '', status: { transitions: [{ name: 'pp', source: 'dev', target: 'pp', outlook: { at: '', conditions: [{ kind: 'NotLocked', met: true }], pending: [], held } }] } };
    const board = buildDashboard(withOutlook, NOW);
    expect(board.rows[0]!.cells[2]!.held).toBe('held: dev has 1.5.1, which entered the pipeline before 1.5.2; pp keeps 1.5.2');
    expect(board.envs[2]!.conditions).toEqual([{ kind: 'NotLocked', state: 'met', text: 'not locked', title: 'the environment is not locked' }]);
  });

  it('holds a resource locked in the environment by its lock, not as waiting, since no promotion comes until it is unlocked', () => {
    const rolledBack = resource('shop/cart', { latest: '1.5.2', dev: '1.5.1', pp: '1.5.1', prod: '1.5.1' }, { dev: ['rolled back to 1.5.1 by alice'] });
    const board = buildDashboard(status([rolledBack]), NOW);
    const dev = board.rows[0]!.cells[1]!;
    expect(dev).toMatchObject({ held: "held by lock: latest's 1.5.2 comes once shop/cart is unlocked in dev" });
    expect(dev.waiting).toBeUndefined();
    expect(board.envs[1]).toMatchObject({ waitingCount: 0, heldCount: 1, words: { tone: 'ok', text: 'up to date with latest; 1 held' } });
  });

  it('keeps the rows a change did not touch, and rebuilds every row when the environments change', () => {
    const memo = new DashboardMemo();
    const everywhere = (latest: string) => ({ latest, dev: '1', pp: '1', prod: '1' });
    const before = status([resource('a', everywhere('1')), resource('b', everywhere('1'))]);
    const first = buildDashboard(before, NOW, memo);
    const pushed = { ...before, resources: [before.resources[0]!, resource('b', everywhere('2'))] };
    const second = buildDashboard(pushed, NOW, memo);
    expect(second.rows[0]).toBe(first.rows[0]);
    expect(second.rows[1]).not.toBe(first.rows[1]);
    expect(second.rows[1]!.cells.map((cell) => cell.waiting)).toEqual([undefined, '2', undefined, undefined]);
    expect(second).toEqual(buildDashboard(pushed, NOW));

    const undeployed = { ...pushed, environments: pushed.environments.map((env) => (env.name === 'dev' ? { ...env, deployer: undefined } : env)) };
    const third = buildDashboard(undeployed, NOW, memo);
    expect(third.rows[0]).not.toBe(second.rows[0]);
    expect(third.rows[0]!.cells[1]!.status).toBe('repo');
  });
});
