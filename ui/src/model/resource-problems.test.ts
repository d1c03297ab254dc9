import { describe, expect, it } from 'vitest';
import type { ResourceProblem } from '../api/wire.ts';
import { buildDashboard } from './dashboard.ts';
import { resource, status } from './fixtures/status.ts';
import { matrixItems } from './matrix-rows.ts';
import { errorsBesides, problemPlace } from './resource-problems.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const SYMLINK: ResourceProblem = { file: 'dev/version/cart.yaml', code: 'symlink', message: 'dev/version/cart.yaml is a symlink; Cascade reads only plain files' };
const DUPLICATE: ResourceProblem = { file: 'latest/version/cart.yaml', line: 2, col: 1, code: 'yaml-syntax', message: 'Map keys must be unique' };

/** cart in latest, dev and pp, with the version file of dev (and of latest when asked) unreadable. */
function brokenCart(withLatest = false) {
  const view = resource('cart', { latest: '2', dev: '2', pp: '1' });
  delete view.envs['dev']!.version;
  view.envs['dev']!.problems = [SYMLINK];
  if (withLatest) view.envs['latest']!.problems = [DUPLICATE];
  return view;
}

describe('a resource whose files cannot be read', () => {
  it('is broken in its cell, not "no version" or unreleased, with its problems and why nothing is deployed', () => {
    const view = brokenCart(true);
    const deployerError = { code: SYMLINK.code, file: SYMLINK.file, message: SYMLINK.message };
    const other = { code: 'apply-conflict', message: 'someone else owns spec.replicas' };
    const board = buildDashboard(status([view], { dev: { resources: [{ name: 'cart', state: 'Failed', errors: [deployerError, other] }] } }), NOW);
    const [latest, dev, pp] = board.rows[0]!.cells;
    expect(dev).toMatchObject({ status: 'broken', problems: [SYMLINK], errors: [other], reason: expect.stringMatching(/cannot be read.*not deployed.*what runs now stays/) });
    expect(dev!.version).toBeUndefined();
    // An environment nobody deploys shows a broken file just the same.
    expect(latest).toMatchObject({ status: 'broken', version: '2', problems: [DUPLICATE] });
    expect(pp).toMatchObject({ status: 'clean', problems: [] });
  });

  it('counts as failed for the toolbar filter', () => {
    const rows = buildDashboard(status([brokenCart(), resource('web', { latest: '1', dev: '1' })]), NOW).rows;
    const names = matrixItems(rows, { text: '', filter: 'failed', collapsed: new Set() }).flatMap((item) => (item.kind === 'row' ? [item.row.name] : []));
    expect(names).toEqual(['cart']);
  });
});

describe('problemPlace and errorsBesides', () => {
  it('gives file:line:col when the problem has a position', () => {
    expect(problemPlace(DUPLICATE)).toBe('latest/version/cart.yaml:2:1');
    expect(problemPlace({ ...DUPLICATE, col: undefined })).toBe('latest/version/cart.yaml:2:1');
    expect(problemPlace(SYMLINK)).toBe('dev/version/cart.yaml');
  });

  it('drops only the deployer errors that restate a problem', () => {
    const restated = { code: 'symlink', file: SYMLINK.file, message: SYMLINK.message };
    const elsewhere = { ...restated, file: 'dev/base/cart.yaml' };
    expect(errorsBesides([restated, elsewhere], [SYMLINK])).toEqual([elsewhere]);
  });
});
