import { describe, expect, it } from 'vitest';
import { buildDashboard } from './dashboard.ts';
import { resource, status } from './fixtures/status.ts';
import { matrixItems, visibleRange } from './matrix-rows.ts';

const rows = buildDashboard(
  status([
    resource('payments', { latest: '2', dev: '1', pp: '1', prod: '1' }),
    resource('shop/cart', { latest: '1', dev: '1', pp: '1', prod: '1' }, { dev: ['incident'] }),
    resource('shop/checkout', { latest: '3', dev: '3', pp: '3', prod: '3' }),
  ]),
  new Date('2026-11-22T10:00:00Z'),
).rows;
const names = (items: ReturnType<typeof matrixItems>) => items.map((item) => (item.kind === 'row' ? item.row.name : `[${item.folder}]`));

describe('matrixItems', () => {
  it('groups rows under folder headings, and collapsed folders keep only their heading', () => {
    expect(names(matrixItems(rows, { text: '', filter: 'all', collapsed: new Set() }))).toEqual(['[]', 'payments', '[shop]', 'shop/cart', 'shop/checkout']);
    expect(names(matrixItems(rows, { text: '', filter: 'all', collapsed: new Set(['shop']) }))).toEqual(['[]', 'payments', '[shop]']);
  });

  it('searches names and versions, and filters by what the cells show', () => {
    expect(names(matrixItems(rows, { text: 'CHECK', filter: 'all', collapsed: new Set() }))).toEqual(['[shop]', 'shop/checkout']);
    expect(names(matrixItems(rows, { text: '3', filter: 'all', collapsed: new Set() }))).toEqual(['[shop]', 'shop/checkout']);
    expect(names(matrixItems(rows, { text: '', filter: 'waiting', collapsed: new Set() }))).toEqual(['[]', 'payments']);
    expect(names(matrixItems(rows, { text: '', filter: 'locked', collapsed: new Set() }))).toEqual(['[shop]', 'shop/cart']);
  });
});

describe('visibleRange', () => {
  it('covers the viewport plus overscan, clamped to the list', () => {
    expect(visibleRange(440, 440, 44, 1000, 2)).toEqual({ start: 8, end: 22 });
    expect(visibleRange(0, 440, 44, 5, 2)).toEqual({ start: 0, end: 5 });
  });
});
