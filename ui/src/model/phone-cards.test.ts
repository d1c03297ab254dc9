import { describe, expect, it } from 'vitest';
import type { Cell } from './dashboard.ts';
import { cellVersionText, listPage, phoneCellWords } from './phone-cards.ts';

const cell = (overrides: Partial<Cell>): Cell => ({ env: 'pp', status: 'clean', errors: [], problems: [], lockReasons: [], version: '1.4.1', ...overrides });

describe('phoneCellWords', () => {
  it('gives a clean cell its version and state with nothing under it', () => {
    expect(phoneCellWords(cell({}), [])).toEqual({ version: '1.4.1', status: 'clean', notes: [] });
  });

  it('writes out what the matrix keeps for the hover: rollout reason, lock, waiting and held versions', () => {
    const words = phoneCellWords(cell({ status: 'progress', reason: 'NotAllUpdated 1/3', lockReasons: ['PSP certification pending'], waiting: '1.4.2', held: 'held: dev was rolled back to 1.4.0; pp keeps 1.4.1' }), []);
    expect(words.notes).toEqual([
      { kind: 'reason', text: 'updating: 1 of 3 pods on the new version' },
      { kind: 'lock', text: 'locked: PSP certification pending' },
      { kind: 'waiting', text: '1.4.2 waiting to be promoted' },
      { kind: 'held', text: 'held: dev was rolled back to 1.4.0; pp keeps 1.4.1' },
    ]);
  });

  it('names the environment lock as well as the resource’s own, with who locked when the status knows', () => {
    expect(phoneCellWords(cell({}), [{ reason: 'release freeze', by: 'Dana' }, { reason: 'audit' }]).notes).toEqual([{ kind: 'lock', text: 'pp is locked: release freeze (locked by Dana); audit' }]);
    expect(phoneCellWords(cell({ lockReasons: ['own'] }), [{ reason: 'release freeze' }]).notes).toEqual([
      { kind: 'lock', text: 'locked: own' },
      { kind: 'lock', text: 'pp is locked: release freeze' },
    ]);
  });

  it('shows a dash for a missing version, and nothing where the resource is absent', () => {
    expect(cellVersionText(cell({ version: undefined, status: 'unknown' }))).toBe('—');
    expect(cellVersionText(cell({ version: undefined, status: 'absent' }))).toBe('');
  });
});

describe('listPage', () => {
  it('cuts a long list into pages of the given size', () => {
    expect(listPage(10_020, 0, 30)).toEqual({ page: 0, pages: 334, start: 0, end: 30 });
    expect(listPage(10_020, 333, 30)).toEqual({ page: 333, pages: 334, start: 9_990, end: 10_020 });
  });

  it('clamps a page beyond the end (the list shrank) and an empty list to its one page', () => {
    expect(listPage(45, 7, 30)).toEqual({ page: 1, pages: 2, start: 30, end: 45 });
    expect(listPage(0, 3, 30)).toEqual({ page: 0, pages: 1, start: 0, end: 0 });
    expect(listPage(10, -1, 30)).toEqual({ page: 0, pages: 1, start: 0, end: 10 });
  });
});
