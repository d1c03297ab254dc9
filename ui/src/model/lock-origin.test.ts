import { expect, it } from 'vitest';
import { lockLines, lockText } from './lock-origin.ts';

it('puts who locked and when beside each reason it knows, in reason order', () => {
  const lines = lockLines(['release freeze', 'hand-written'], [{ reason: 'release freeze', by: 'Dana', at: '2026-12-02T08:00:00Z', commit: 'c1' }]);
  expect(lines).toEqual([{ reason: 'release freeze', by: 'Dana', at: '2026-12-02T08:00:00Z' }, { reason: 'hand-written' }]);
  expect(lockText(lines, (iso) => iso.slice(0, 10))).toBe('release freeze (locked by Dana on 2026-12-02); hand-written');
  expect(lockLines(['incident 4711'])).toEqual([{ reason: 'incident 4711' }]);
});
