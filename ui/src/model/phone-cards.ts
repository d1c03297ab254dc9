// What a phone shows instead of the matrix: a card per resource with one line per environment, in the words the
// matrix cells show and say on hover, and the list cut into pages so ten thousand resources stay cheap.
import type { Cell, CellStatus } from './dashboard.ts';
import { lockLines, lockText, type LockLine } from './lock-origin.ts';
import { reasonWords } from './reason-words.ts';

/** Matrix items (folder headings and resources) one phone page holds: a few screens of cards, never the whole list. */
export const PHONE_PAGE_SIZE = 30;

/** One remark under an environment's line of a resource card. */
export interface CellNote {
  /** `reason`: why the state is not clean; `lock`: locked here; `waiting`: a version waits to be promoted; `held`: one is held back. */
  kind: 'reason' | 'lock' | 'waiting' | 'held';
  text: string;
}

/** A cell in the words of a phone's card line. */
export interface PhoneCellWords {
  /** The version as the matrix cell shows it: a dash when there is none, nothing when the resource is absent. */
  version: string;
  status: CellStatus;
  notes: CellNote[];
}

/** The version text a matrix cell shows. */
export function cellVersionText(cell: Cell): string {
  return cell.version ?? (cell.status === 'absent' ? '' : '—');
}

/** A cell's card line: version, state, and the lock, waiting and held words the matrix cell gives on hover. */
export function phoneCellWords(cell: Cell, envLocks: readonly LockLine[]): PhoneCellWords {
  const notes: CellNote[] = [];
  // A phone has no hover: what the matrix keeps in the tooltip is written out, in the tooltip's words.
  if (cell.reason) notes.push({ kind: 'reason', text: reasonWords(cell.reason) });
  if (cell.lockReasons.length > 0) notes.push({ kind: 'lock', text: `locked: ${lockText(cell.locks ?? lockLines(cell.lockReasons))}` });
  if (envLocks.length > 0) notes.push({ kind: 'lock', text: `${cell.env} is locked: ${lockText(envLocks)}` });
  if (cell.waiting) notes.push({ kind: 'waiting', text: `${cell.waiting} waiting to be promoted` });
  if (cell.held) notes.push({ kind: 'held', text: cell.held });
  return { version: cellVersionText(cell), status: cell.status, notes };
}

/** One page of a list: which page it is after clamping, how many there are, and the slice [start, end) it shows. */
export interface ListPage {
  page: number;
  pages: number;
  start: number;
  end: number;
}

/** The page `page` of `total` items, clamped into range: a filter or an update may shrink the list under the reader. */
export function listPage(total: number, page: number, size = PHONE_PAGE_SIZE): ListPage {
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const start = current * size;
  return { page: current, pages, start, end: Math.min(total, start + size) };
}
